package io.hyperai.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/** {@code hyperai limits}: shows the caller's limits; changes the ones given and sends the other as it is. */
class LimitsCommandTest {

    @TempDir
    Path dir;
    private TokenStub stub;
    private HttpServer billing;
    private CliRunner cli;
    private final List<JsonNode> puts = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        stub = new TokenStub();
        billing = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        billing.createContext("/api/v1/billing/me", this::answer);
        billing.start();
        Files.writeString(dir.resolve("config.json"), "{\"authUrl\":\"" + stub.authUrl() + "\"}");
        Map<String, String> env = new HashMap<>();
        env.put("HYPERAI_CONFIG_DIR", dir.toString());
        env.put("HYPERAI_BILLING_URL", "http://localhost:" + billing.getAddress().getPort());
        cli = new CliRunner(env);
        assertThat(cli.run("login", "alice", "--password", "alice").exitCode()).isZero();
    }

    @AfterEach
    void stop() {
        billing.stop(0);
        stub.close();
    }

    @Test
    void showsAndChangesTheLimitsKeepingTheOneNotGiven() throws Exception {
        CliRunner.Result shown = cli.run("limits");
        assertThat(shown.exitCode()).as(shown.toString()).isZero();
        assertThat(shown.out()).contains("monthly cap", "500.00", "low balance", "20.00");
        assertThat(puts).isEmpty();

        assertThat(cli.run("limits", "--monthly-cap", "80000").exitCode()).isZero();
        assertThat(puts.get(0).toString()).isEqualTo("{\"monthlyCapMinor\":80000,\"lowBalanceThresholdMinor\":2000}");
        assertThat(cli.run("limits", "--low-balance", "none", "-o", "json").exitCode()).isZero();
        assertThat(puts.get(1).toString()).isEqualTo("{\"monthlyCapMinor\":50000,\"lowBalanceThresholdMinor\":null}");

        CliRunner.Result bad = cli.run("limits", "--monthly-cap", "-3");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--monthly-cap");
        assertThat(puts).hasSize(2);
    }

    @Test
    void theBillSaysHowLongTheBalanceLastsAtTheCurrentRate() {
        CliRunner.Result bill = cli.run("bill");
        assertThat(bill.exitCode()).as(bill.toString()).isZero();
        assertThat(bill.out()).contains("runway", Format.duration(java.time.Duration.ofSeconds(8040)),
                "995.00 CNY left now");
    }

    private void answer(HttpExchange exchange) throws IOException {
        String body;
        if (exchange.getRequestMethod().equals("PUT") && exchange.getRequestURI().getPath().endsWith("/limits")) {
            JsonNode sent = Json.MAPPER.readTree(exchange.getRequestBody());
            puts.add(sent);
            body = sent.toString();
        } else {
            body = """
                    {"userId":"alice-id","balanceMinor":100000,"currency":"CNY","month":"2026-12",
                     "monthSpentMinor":1200,"projectedBalanceMinor":99500,"runwaySeconds":8040,"limits":{"monthlyCapMinor":50000,"lowBalanceThresholdMinor":2000,
                     "lowBalance":false,"capReached":false}}""";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
