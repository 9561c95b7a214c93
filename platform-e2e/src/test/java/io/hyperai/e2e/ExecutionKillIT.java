package io.hyperai.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.restassured.path.json.JsonPath;

/**
 * kill -9 of execution-service while executions run on the local runtime; the launcher starts it again by itself.
 *
 * <p>The true state: the local runtime's sandboxes are children of the service ({@code bwrap --die-with-parent}), so
 * they die with it; the work they were doing is lost, as a pod's is when its node is lost. After the restart the
 * reconciler finds no process for them and ends each as FAILED with reason NODE_LOST, at the time it notices; an
 * execution that had already ended keeps its state, and billing charges each for the times execution-service recorded.
 */
@ExtendWith(E2e.class)
class ExecutionKillIT {

    @Test
    void afterACrashEveryExecutionComesToItsTrueState() {
        E2e.assumeLocalRuntime();
        Api api = Api.get();
        Platform platform = E2e.platform();
        String user = api.newUser("exec", 100_000);
        String gear = api.gear(user, "execution crash", "cpu-4c16g", List.of());

        String done = api.script(user, gear, "echo finished");
        api.awaitState(user, done, "SUCCEEDED");
        List<String> running = List.of(api.script(user, gear, "sleep 600"), api.script(user, gear, "sleep 600"),
                api.workspace(user, gear));
        for (String id : running) {
            api.awaitState(user, id, "RUNNING");
        }
        assertThat(running).allMatch(id -> !sandboxes(id).isEmpty());

        Instant killedAt = Instant.now();
        long pid = platform.kill("execution");
        long t0 = System.nanoTime();
        await().atMost(Duration.ofSeconds(30)).until(() -> running.stream().allMatch(id -> sandboxes(id).isEmpty()));
        long sandboxesGoneMs = (System.nanoTime() - t0) / 1_000_000;

        long restartMs = platform.awaitBack("execution", pid).toMillis() + sandboxesGoneMs; // since the kill
        long c0 = System.nanoTime();
        for (String id : running) {
            JsonPath e = api.awaitState(user, id, "FAILED", "SUCCEEDED", "STOPPED");
            assertThat(e.getString("state")).isEqualTo("FAILED");
            assertThat(e.getString("reason")).isEqualTo("NODE_LOST");
            assertThat(Instant.parse(e.getString("endedAt"))).isAfterOrEqualTo(killedAt.minusSeconds(1));
            api.awaitSettled(id);
            assertThat(api.charged(id)).isEqualTo(Api.expectedCharge(e));
            System.out.printf("e2e execution kill: %s %s/%s, ended %d ms after the kill (charged %d for %d s)%n", id,
                    e.getString("state"), e.getString("reason"),
                    Duration.between(killedAt, Instant.parse(e.getString("endedAt"))).toMillis(), api.charged(id),
                    Api.seconds(e));
        }
        long reconciledMs = (System.nanoTime() - c0) / 1_000_000;
        assertThat(api.execution(user, done).getString("state")).isEqualTo("SUCCEEDED");
        String after = api.script(user, gear, "echo after-restart");
        assertThat(api.awaitState(user, after, "SUCCEEDED", "FAILED").getString("state")).isEqualTo("SUCCEEDED");
        assertThat(api.logs(user, after)).contains("after-restart");
        System.out.printf("e2e execution kill: pid %d killed; its %d sandboxes gone within %d ms; ready again %d ms "
                + "after the kill (restarted by the launcher); "
                + "all reconciled %d ms after it was ready%n", pid, running.size(), sandboxesGoneMs, restartMs,
                reconciledMs);
    }

    /** Pids of processes whose command line names the execution (its sandbox binds its directory). */
    static List<Long> sandboxes(String executionId) {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("\\d+")).filter(p -> {
                try {
                    return new String(Files.readAllBytes(p.resolve("cmdline"))).contains(executionId);
                } catch (IOException e) {
                    return false; // gone meanwhile
                }
            }).map(p -> Long.parseLong(p.getFileName().toString())).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
