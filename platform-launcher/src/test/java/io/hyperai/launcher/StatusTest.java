package io.hyperai.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import io.hyperai.infra.RoundRobin;

/**
 * {@code ./platform status} of a platform started with {@code --replicas 2}, from the state {@code up} records: the
 * test holds the lock as a running {@code up} does, one billing instance is this JVM answering its readiness, behind a
 * real {@link RoundRobin}, the other has exited.
 */
class StatusTest {

    @TempDir
    Path data;

    private RunState state;
    private HttpServer instance;
    private RoundRobin entry;

    @AfterEach
    void stop() {
        if (entry != null) {
            entry.close();
        }
        if (instance != null) {
            instance.stop(0);
        }
        if (state != null) {
            state.unlock();
        }
    }

    @Test
    void aReplicatedServiceShowsItsRoundRobinAndEachInstanceWithItsPidPortAndRestarts() throws Exception {
        int billing = serveInstanceOneBehindARoundRobin();
        Options up = parse("up", "--replicas", "2", "--billing-port", Integer.toString(billing));
        state = new RunState(data);
        assertThat(state.tryLock()).isTrue();
        state.recordLayout(up);
        long pid = ProcessHandle.current().pid();
        state.recordProcess("billing-1", pid, Procs.startMillis(pid));
        state.state("billing-1", "ready");
        state.state("billing-2", "exited"); // as the supervisor leaves it while it waits to restart it
        state.set("restarts.billing-2", 1);
        state.state(Component.BILLING, "ready");

        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        Status.run(parse("status"), new PrintStream(buffer, true, StandardCharsets.UTF_8));
        List<String> lines = buffer.toString(StandardCharsets.UTF_8).lines().toList();

        assertThat(lines.get(0)).contains("--replicas 2");
        int at = lines.indexOf(lines.stream().filter(l -> l.contains("billing-service")).findFirst().orElseThrow());
        assertThat(lines.get(at)).matches("\\s*billing-service\\s+" + billing
                + "\\s+-\\s+-\\s+ready \\(round robin over 2 instances\\)");
        assertThat(lines.get(at + 1)).matches("\\s+billing-service-1\\s+" + (billing + 10) + "\\s+" + pid
                + "\\s+0\\s+ready");
        assertThat(lines.get(at + 2)).matches("\\s+billing-service-2\\s+" + (billing + 20)
                + "\\s+-\\s+1\\s+exited \\(see logs/billing-service-2.log\\), restarting");
        // the local runtime too: execution-service's round robin and its two instances
        assertThat(lines).filteredOn(l -> l.contains("execution-service")).hasSize(3).first().asString()
                .matches("\\s*execution-service\\s+8102\\s+.*");
        assertThat(lines).filteredOn(l -> l.contains("gear-service")).hasSize(3);
    }

    @Test
    void withOneReplicaUpRecordsNoInstanceOfItsOwn() {
        state = new RunState(data);
        state.recordLayout(parse("up"));
        state.save();
        Properties recorded = RunState.read(data);
        assertThat(recorded.stringPropertyNames()).noneMatch(key -> key.matches(".*-\\d+$"));
        assertThat(RunState.instances(recorded, Component.BILLING))
                .containsExactly(Instance.only(Component.BILLING, 8105));
        assertThat(recorded).containsEntry("replicas", "1").containsEntry("port.billing", "8105");
    }

    @Test
    void statusReadsTheInstancesUpRecordedWithoutBeingToldTheOptions() {
        state = new RunState(data);
        state.recordLayout(parse(Map.of("HYPERAI_EXECUTION_RUNTIME", "kubernetes"), "up", "--replicas", "2"));
        state.save();
        Properties recorded = RunState.read(data);
        assertThat(RunState.instances(recorded, Component.EXECUTION)).containsExactly(
                new Instance(Component.EXECUTION, 1, 8112), new Instance(Component.EXECUTION, 2, 8122));
        assertThat(recorded).containsEntry("replicas", "2").containsEntry("state.execution-2", "stopped");
    }

    private Options parse(String... args) {
        return parse(Map.of(), args);
    }

    private Options parse(Map<String, String> env, String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--data";
        all[args.length + 1] = data.toString();
        return Options.parse(all, env, data, data);
    }

    /** Instance 1 answers its readiness on a free port p; the round robin listens on p - 10; returns p - 10. */
    private int serveInstanceOneBehindARoundRobin() throws Exception {
        for (int attempt = 0; attempt < 20; attempt++) {
            instance = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            instance.createContext("/q/health/ready", exchange -> {
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            instance.start();
            int own = instance.getAddress().getPort();
            try {
                entry = RoundRobin.start(own - Replicas.PORT_STEP, List.of(own, own + Replicas.PORT_STEP));
                return entry.port();
            } catch (UncheckedIOException e) {
                instance.stop(0); // p - 10 is taken: another p
            }
        }
        throw new IllegalStateException("no free pair of ports");
    }
}
