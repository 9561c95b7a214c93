package io.hyperai.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Kafka broker killed (kill -9) and kept down for 60 s while a user creates gears and runs executions: every
 * request succeeds, because each service writes its events to its outbox in the same transaction; once
 * {@code ./platform restart kafka} has the broker back, every event written meanwhile reaches its topic, and the
 * consumers act on it (billing meters the runs, storage counts the saved working directories).
 */
@ExtendWith(E2e.class)
class KafkaOutageIT {

    private static final Duration OUTAGE = Duration.ofSeconds(60);

    @Test
    void requestsSucceedWhileTheBrokerIsDownAndEveryEventArrivesAfterwards() {
        E2e.assumeLocalRuntime();
        Api api = Api.get();
        Platform platform = E2e.platform();
        String user = api.newUser("kafka", 100_000);
        String first = api.gear(user, "before the outage", "cpu-1c2g", List.of());

        Instant downAt = Instant.now();
        long killed = System.nanoTime();
        platform.kill("kafka");
        List<String> gears = new ArrayList<>();
        List<String> runs = new ArrayList<>();
        int requests = 0;
        while (System.nanoTime() - killed < OUTAGE.toNanos()) {
            gears.add(api.gear(user, "during the outage " + gears.size(), "cpu-1c2g", List.of()));
            runs.add(api.script(user, first, "echo run " + runs.size() + " > /hyperai/home/out.txt; sleep 2"));
            requests += 2;
            Platform.sleep(8_000);
        }
        for (String id : runs) {
            assertThat(api.awaitState(user, id, "SUCCEEDED", "FAILED").getString("state")).isEqualTo("SUCCEEDED");
        }
        Set<String> pending = unsent(platform, downAt);
        System.out.printf("e2e kafka outage: %d requests succeeded in %d s without a broker; %d events wait in the "
                + "outboxes%n", requests, OUTAGE.toSeconds(), pending.size());
        assertThat(pending.size()).as("at least one event per request").isGreaterThanOrEqualTo(requests);
        Set<String> written = pending;

        long t0 = System.nanoTime();
        platform.restart("kafka");
        long back = System.nanoTime();
        EventLog log = new EventLog(platform);
        await().atMost(Api.WAIT).pollInterval(Duration.ofMillis(500))
                .until(() -> log.eventIds().containsAll(written));
        long deliveredMs = (System.nanoTime() - back) / 1_000_000;
        for (String id : runs) {
            api.awaitSettled(id);
        }
        long savedBytes = runs.stream().mapToLong(api::savedBytes).sum();
        await().atMost(Api.WAIT).until(() -> api.storage(user).getMap("usedByKind", String.class, Long.class)
                .getOrDefault("WORKING_DIRECTORY", 0L) == savedBytes);
        long consumedMs = (System.nanoTime() - back) / 1_000_000;
        System.out.printf("e2e kafka outage: broker restarted in %d ms; all %d events written during the outage were "
                + "in their topics %d ms after it was back, and consumed (billing, storage) after %d ms%n",
                (back - t0) / 1_000_000, written.size(), deliveredMs, consumedMs);
        assertThat(unsent(platform, downAt)).isEmpty();
    }

    /** Ids of the events the services wrote to their outboxes since {@code since} and have not sent yet. */
    private static Set<String> unsent(Platform platform, Instant since) {
        return outbox(platform, since, " AND sent_at IS NULL");
    }

    private static Set<String> outbox(Platform platform, Instant since, String condition) {
        Set<String> ids = new HashSet<>();
        for (String db : Platform.SERVICES) {
            try (Connection c = platform.db(db);
                    var s = c.prepareStatement("SELECT id FROM outbox_event WHERE created_at >= ?" + condition)) {
                s.setTimestamp(1, Timestamp.from(since));
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
        return ids;
    }
}
