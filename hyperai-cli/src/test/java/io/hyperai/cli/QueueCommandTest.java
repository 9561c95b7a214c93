package io.hyperai.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * {@code hyperai queue}: the pools (GPUs, vCPUs and memory, or slots) and the caller's waiting executions; and
 * {@code hyperai ps} showing a queued execution's place and estimated start. On a fixed clock, so that every relative
 * time is exact.
 */
class QueueCommandTest {

    private static final Instant NOW = Instant.parse("2026-12-04T10:48:00Z");

    /** A cluster: two GPU pools (one full, one idle) and a cpu pool limited by vCPUs and memory. */
    private static final String CLUSTER = """
            {"pools":[
              {"pool":"a100-80g","capacity":{"vcpu":96.0,"memoryMib":1048576,"gpus":8,"slots":110},
               "inUse":{"vcpu":96.0,"memoryMib":688128,"gpus":8,"slots":8},"running":8,"waiting":4},
              {"pool":"cpu","capacity":{"vcpu":64.0,"memoryMib":262144},"inUse":{"vcpu":16.5,"memoryMib":66560},
               "running":3,"waiting":1},
              {"pool":"h100-80g","capacity":{"vcpu":64.0,"memoryMib":524288,"gpus":4,"slots":60},
               "inUse":{"vcpu":0.0,"memoryMib":0,"gpus":0,"slots":0},"running":0,"waiting":1}],
             "mine":[
              {"executionId":"3b2f9c1e-0a4d-4c55-9b1f-6f0e2d7a8c11","gearId":"g-1","pool":"a100-80g","position":1,
               "estimatedStartAt":"2026-12-04T11:00:00Z"},
              {"executionId":"7c41d2aa-5b3e-4f60-8d2c-1a9e0b3f4d22","gearId":"g-1","pool":"a100-80g","position":3,
               "estimatedStartAt":"2026-12-04T13:18:00Z"},
              {"executionId":"0b1c2d3e-4f50-4a61-8b72-9c8d7e6f5a40","gearId":"g-3","pool":"cpu","position":1,
               "estimatedStartAt":null},
              {"executionId":"e5f60718-293a-4b4c-8d5e-6f708192a3b4","gearId":"g-2","pool":"h100-80g","position":1}]}""";

    /** The local runtime: one cpu pool of slots only, and nothing of the caller's waiting. */
    private static final String LOCAL = """
            {"pools":[{"pool":"cpu","capacity":{"slots":8},"inUse":{"slots":1},"running":1,"waiting":0}],"mine":[]}""";

    private static final String RUNNING = """
              {"id":"8a9b0c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d","gearId":"g-2","mode":"script","state":"RUNNING",
               "pricePerHourMinor":1290,"currency":"CNY","createdAt":"2026-12-04T10:00:00Z",
               "startedAt":"2026-12-04T10:18:00Z"},
              {"id":"c0d1e2f3-a4b5-4c6d-8e7f-8091a2b3c4d5","gearId":"g-2","mode":"script","state":"SUCCEEDED",
               "exitCode":0,"pricePerHourMinor":360,"currency":"CNY","createdAt":"2026-12-04T09:00:00Z",
               "startedAt":"2026-12-04T09:00:30Z","endedAt":"2026-12-04T09:05:30Z"}""";

    /** Two waiting executions (one without an estimate), one QUEUED already given to the runtime, and two others. */
    private static final String WAITING = """
            {"items":[
              {"id":"3b2f9c1e-0a4d-4c55-9b1f-6f0e2d7a8c11","gearId":"g-1","mode":"script","state":"QUEUED",
               "pricePerHourMinor":8000,"currency":"CNY","createdAt":"2026-12-04T10:45:00Z",
               "queue":{"pool":"a100-80g","position":3,"estimatedStartAt":"2026-12-04T11:00:00Z"}},
              {"id":"e5f60718-293a-4b4c-8d5e-6f708192a3b4","gearId":"g-1","mode":"jupyter","state":"QUEUED",
               "pricePerHourMinor":8000,"currency":"CNY","createdAt":"2026-12-04T10:40:00Z",
               "queue":{"pool":"h100-80g","position":1}},
              {"id":"41a2b3c4-d5e6-4f70-8a91-b2c3d4e5f607","gearId":"g-2","mode":"script","state":"QUEUED",
               "pricePerHourMinor":360,"currency":"CNY","createdAt":"2026-12-04T10:47:30Z"},
            """ + RUNNING + "],\"total\":5}";

    private static final String NONE_WAITING = "{\"items\":[" + RUNNING + "],\"total\":2}";

    @TempDir
    Path dir;
    private TokenStub stub;
    private HttpServer execution;
    private CliRunner cli;
    private volatile String queue = CLUSTER;
    private volatile String executions = WAITING;
    /** Each request: method, path and query, and whether it had a bearer token. */
    private final List<String> requests = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        stub = new TokenStub();
        execution = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        execution.createContext("/api/v1/queue", exchange -> answer(exchange, queue));
        execution.createContext("/api/v1/executions", exchange -> answer(exchange, executions));
        execution.start();
        Files.writeString(dir.resolve("config.json"), "{\"authUrl\":\"" + stub.authUrl() + "\"}");
        Map<String, String> env = new HashMap<>();
        env.put("HYPERAI_CONFIG_DIR", dir.toString());
        env.put("HYPERAI_EXECUTION_URL", "http://localhost:" + execution.getAddress().getPort());
        cli = new CliRunner(env, Clock.fixed(NOW, ZoneOffset.UTC));
        assertThat(cli.run("login", "alice", "--password", "alice").exitCode()).isZero();
    }

    @AfterEach
    void stop() {
        execution.stop(0);
        stub.close();
    }

    @Test
    void gpuPoolsShowGpusOthersVcpusAndMemoryAndYourWaitingRunsTheirPlaceAndEstimatedStart() {
        CliRunner.Result r = cli.run("queue");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("""
                POOL      CAPACITY         IN USE            RUNNING  WAITING
                a100-80g  8 GPU            8 GPU             8        4
                cpu       64 vCPU 256 GiB  16.5 vCPU 65 GiB  3        1
                h100-80g  4 GPU            0 GPU             0        1

                your waiting executions
                EXECUTION                             POOL      POSITION  ESTIMATED START
                3b2f9c1e-0a4d-4c55-9b1f-6f0e2d7a8c11  a100-80g  1         in 12m 00s
                7c41d2aa-5b3e-4f60-8d2c-1a9e0b3f4d22  a100-80g  3         in 2h 30m
                0b1c2d3e-4f50-4a61-8b72-9c8d7e6f5a40  cpu       1         unknown
                e5f60718-293a-4b4c-8d5e-6f708192a3b4  h100-80g  1         unknown
                """);
        assertThat(r.err()).isEmpty();
        assertThat(requests).containsExactly("GET /api/v1/queue bearer");
    }

    @Test
    void aSlotsOnlyPoolShowsSlotsAndNoneOfYoursWaiting() {
        queue = LOCAL;
        CliRunner.Result r = cli.run("queue");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("""
                POOL  CAPACITY  IN USE  RUNNING  WAITING
                cpu   8 slots   1 slot  1        0

                none of your executions are waiting
                """);
    }

    @Test
    void jsonIsTheServersAnswerAsItIs() throws Exception {
        for (String[] args : new String[][] { { "queue", "--json" }, { "queue", "-o", "json" } }) {
            CliRunner.Result r = cli.run(args);
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(Json.MAPPER.readTree(r.out())).isEqualTo(Json.MAPPER.readTree(CLUSTER));
        }
    }

    @Test
    void psShowsAQueuedExecutionsPlaceAndEstimatedStart() {
        CliRunner.Result r = cli.run("ps");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        // QUEUED without a place: already given to the runtime, which is still starting it
        assertThat(r.out()).isEqualTo("""
                ID                                    GEAR  MODE     STATE      EXIT  CREATED      STARTS      DURATION  COST
                3b2f9c1e-0a4d-4c55-9b1f-6f0e2d7a8c11  g-1   script   QUEUED #3  -     3m 00s ago   in 12m 00s  -         -
                e5f60718-293a-4b4c-8d5e-6f708192a3b4  g-1   jupyter  QUEUED #1  -     8m 00s ago   unknown     -         -
                41a2b3c4-d5e6-4f70-8a91-b2c3d4e5f607  g-2   script   QUEUED     -     30s ago      -           -         -
                8a9b0c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d  g-2   script   RUNNING    -     48m 00s ago  -           30m 00s   6.45 CNY
                c0d1e2f3-a4b5-4c6d-8e7f-8091a2b3c4d5  g-2   script   SUCCEEDED  0     1h 48m ago   -           5m 00s    0.30 CNY
                """);
        assertThat(requests).containsExactly("GET /api/v1/executions?size=50 bearer");
    }

    @Test
    void psWithNothingWaitingKeepsItsUsualColumns() {
        executions = NONE_WAITING;
        CliRunner.Result r = cli.run("ps", "--state", "RUNNING");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("""
                ID                                    GEAR  MODE    STATE      EXIT  CREATED      DURATION  COST
                8a9b0c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d  g-2   script  RUNNING    -     48m 00s ago  30m 00s   6.45 CNY
                c0d1e2f3-a4b5-4c6d-8e7f-8091a2b3c4d5  g-2   script  SUCCEEDED  0     1h 48m ago   5m 00s    0.30 CNY
                """);
        assertThat(requests).containsExactly("GET /api/v1/executions?size=50&state=RUNNING bearer");
    }

    @Test
    void psJsonPassesTheQueuePlaceThrough() throws Exception {
        CliRunner.Result r = cli.run("ps", "--json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(Json.MAPPER.readTree(r.out())).isEqualTo(Json.MAPPER.readTree(WAITING));
        assertThat(Json.MAPPER.readTree(r.out()).path("items").get(0).path("queue").path("position").asInt()).isEqualTo(3);
    }

    private void answer(HttpExchange exchange, String body) throws IOException {
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                + (auth != null && auth.startsWith("Bearer ") ? "bearer" : "no token"));
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
