package io.hyperai.billing;

import static io.hyperai.billing.BillingFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.hyperai.billing.service.ChargeRule;
import io.hyperai.test.DatabaseOutage;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Billing's database away for {@link DatabaseOutage#length()} (5 minutes for the proof, 90 s in the build)
 * while execution events keep coming: runs started before end during it, others start and end during it. Afterwards
 * every run is charged exactly its running time, net of any refund, and nothing was dead-lettered: the consumer waited
 * the outage out and went on where it stopped.
 */
@QuarkusTest
class DatabaseOutageTest {

    private record Run(String id, long price, Instant startedAt, long seconds) {
    }

    @Test
    void aLongOutageUnderAStreamOfEventsIsWaitedOutAndEveryRunChargedExactly() throws Exception {
        Duration outage = DatabaseOutage.length();
        String owner = newId("outage-owner");
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(2));
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            runs.add(new Run(newId("outage"), 600 + 37L * i, t0.plusSeconds(i), 61 + 97L * i));
        }
        for (Run r : runs.subList(0, 20)) {
            send(r.id(), started(r.id(), owner, "cpu-2c4g", r.price(), r.startedAt()));
        }
        runs.subList(0, 20).forEach(r -> awaitStarted(r.id()));
        long deadBefore = number("SELECT count(*) FROM dead_letter WHERE consumer = 'billing-metering'");

        long wentAway = System.nanoTime();
        try (DatabaseOutage away = DatabaseOutage.of("billing")) {
            // the stream goes on over the whole outage: the first twenty end, twenty more start and end
            List<String[]> stream = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Run old = runs.get(i);
                Run fresh = runs.get(20 + i);
                stream.add(new String[] { old.id(), stopped(old.id(), owner, old.startedAt(), end(old)) });
                stream.add(new String[] { fresh.id(), started(fresh.id(), owner, "cpu-2c4g", fresh.price(),
                        fresh.startedAt()) });
                stream.add(new String[] { fresh.id(), stopped(fresh.id(), owner, fresh.startedAt(), end(fresh)) });
            }
            long pause = outage.toMillis() / stream.size();
            for (String[] record : stream) {
                send(record[0], record[1]);
                Thread.sleep(pause);
            }
            Thread.sleep(Math.max(0, outage.toMillis() - (System.nanoTime() - wentAway) / 1_000_000));
        }
        System.out.printf("billing database away %.1f s under a stream of %d events%n",
                (System.nanoTime() - wentAway) / 1e9, 60);

        await().atMost(Duration.ofMinutes(2)).until(() -> runs.stream().allMatch(r -> settled(r.id())));
        for (Run r : runs) {
            assertThat(charged(r.id())).as("charged for %s", r).isEqualTo(ChargeRule.costOf(r.price(), r.seconds()));
            assertThat(entries(r.id()).stream().mapToLong(Entry::seconds).sum()).as("seconds charged for %s", r)
                    .isEqualTo(r.seconds());
        }
        assertThat(number("SELECT count(*) FROM dead_letter WHERE consumer = 'billing-metering'"))
                .isEqualTo(deadBefore);
        // and the service is ready again: its pools let go of the connections the outage ended
        await().atMost(Duration.ofSeconds(60)).until(() -> io.restassured.RestAssured.get("/q/health/ready")
                .statusCode() == 200);
        assertThat(balance(owner)).isEqualTo(-runs.stream().mapToLong(r -> ChargeRule.costOf(r.price(), r.seconds()))
                .sum());
    }

    private static Instant end(Run r) {
        return r.startedAt().plusSeconds(r.seconds());
    }
}
