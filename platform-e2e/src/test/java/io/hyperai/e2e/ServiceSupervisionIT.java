package io.hyperai.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * kill -9 of storage-service and nothing else: {@code ./platform up} notices, says so in one line and starts it again
 * by itself, without {@code ./platform restart}; it serves its users again and {@code ./platform status} counts the
 * restart.
 */
@ExtendWith(E2e.class)
class ServiceSupervisionIT {

    @Test
    void aKilledServiceComesBackWithoutBeingAsked() {
        Api api = Api.get();
        Platform platform = E2e.platform();
        String user = api.newUser("supervised", 1_000);
        api.as(user, "storage").get("/api/v1/storage/me").then().statusCode(200);
        int linesBefore = platform.restartLines("storage").size();

        long pid = platform.kill("storage");
        Duration back = platform.awaitBack("storage", pid);
        api.as(user, "storage").get("/api/v1/storage/me").then().statusCode(200);

        List<String> lines = platform.restartLines("storage");
        assertThat(lines).hasSize(linesBefore + 1);
        assertThat(lines.get(lines.size() - 1)).matches(
                "storage-service exited \\(code 137\\) unexpectedly; restarting in \\d+ s \\(restart \\d+\\)");
        String status = platform.run("status");
        assertThat(status.lines().filter(l -> l.contains("storage-service")).findFirst().orElseThrow())
                .as(status).matches("\\s*storage-service\\s+\\d+\\s+\\d+\\s+[1-9]\\d*\\s+ready");
        System.out.printf("e2e supervision: storage-service (pid %d) killed, ready again after %d ms (new pid %d): "
                + "%s%n", pid, back.toMillis(), platform.pid("storage"), lines.get(lines.size() - 1));
    }
}
