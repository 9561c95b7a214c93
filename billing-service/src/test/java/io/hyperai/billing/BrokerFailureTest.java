package io.hyperai.billing;

import static io.hyperai.billing.BillingFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.hyperai.billing.service.ChargeRule;
import io.hyperai.common.events.Topics;
import io.hyperai.test.KafkaProbe;
import io.hyperai.test.SharedInfrastructure;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The way Kafka tests its own transactions: hard-kill the broker while the consumer works through a
 * stream, bring it back, replay everything, and the ledger must hold exactly what the input implies,
 * with no entry missing and none twice.
 */
@QuarkusTest
class BrokerFailureTest {

    static final int RUNS = 150;

    @Test
    void aBrokerKilledMidStreamAndAFullReplayLoseAndDoubleNothing() {
        Random random = new Random(42);
        String owner = newId("stream-owner");
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(2));
        List<String[]> records = new ArrayList<>();
        List<long[]> expected = new ArrayList<>();
        List<String> executions = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            String ex = newId("stream");
            long price = random.nextInt(30_000);
            long seconds = random.nextInt(3 * 3600);
            // every other run's end comes before its start
            String start = started(ex, owner, "gpu-rtx4090-1", price, t0);
            String end = stopped(ex, owner, t0, t0.plusSeconds(seconds));
            records.add(new String[] { ex, i % 2 == 0 ? start : end });
            records.add(new String[] { ex, i % 2 == 0 ? end : start });
            executions.add(ex);
            expected.add(new long[] { price, seconds });
        }
        sendAll(records);
        await().atMost(WAIT).until(() -> settledCount(executions) >= RUNS / 5);
        SharedInfrastructure.kafka().kill();
        System.out.printf("broker killed with %d of %d runs settled%n", settledCount(executions), RUNS);
        try {
            Thread.sleep(1500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            SharedInfrastructure.kafka().restart();
        }
        await().atMost(Duration.ofSeconds(180)).until(() -> settledCount(executions) == RUNS);

        // a full replay of the input, as a consumer group reset would deliver it
        sendAll(records);
        drain(executions.get(executions.size() - 1));

        long expectedEntries = 0;
        long expectedTotal = 0;
        for (int i = 0; i < RUNS; i++) {
            long price = expected.get(i)[0];
            long seconds = expected.get(i)[1];
            expectedEntries += ChargeRule.intervals(60, seconds);
            expectedTotal += ChargeRule.costOf(price, seconds);
            assertThat(charged(executions.get(i))).as("run %d: %d s at %d/h", i, seconds, price)
                    .isEqualTo(ChargeRule.costOf(price, seconds));
        }
        assertThat(number("SELECT count(*) FROM charge WHERE owner_id = ?", owner)).isEqualTo(expectedEntries);
        assertThat(number("SELECT count(DISTINCT (execution_id, interval_no)) FROM charge WHERE owner_id = ?", owner))
                .isEqualTo(expectedEntries);
        assertThat(balance(owner)).isEqualTo(-expectedTotal);
    }

    @Test
    void aRecordThatIsNotAnExecutionEventIsKeptAsADeadLetter() {
        String key = newId("garbage");
        String record = "{\"id\":\"" + key + "\"";
        KafkaProbe.shared().send(Topics.EXECUTION, key, record, Map.of());
        // the consumer goes on
        drain(key);
        assertThat(number("SELECT count(*) FROM dead_letter WHERE consumer = 'billing-metering' AND record = ?", record))
                .isEqualTo(1);
        io.restassured.RestAssured.given().auth().oauth2(io.hyperai.test.Tokens.admin())
                .get("/api/v1/admin/billing-service/dead-letters").then().statusCode(200)
                .body("items.record", org.hamcrest.Matchers.hasItem(record));
    }

    private static long settledCount(List<String> executions) {
        return number("SELECT count(*) FROM metered_run WHERE settled_at IS NOT NULL AND execution_id = ANY (?)",
                (Object) executions.toArray(String[]::new));
    }
}
