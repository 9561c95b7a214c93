package io.hyperai.it;

import io.hyperai.test.PackagedServices;

import static io.hyperai.it.Api.newUser;
import static io.hyperai.it.Api.token;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.hyperai.common.events.EventCodec;
import io.hyperai.common.events.EventType;
import io.hyperai.common.events.Topics;
import io.hyperai.common.events.payload.ExecutionEnded;
import io.hyperai.common.events.payload.ExecutionStarted;
import io.hyperai.infra.ServiceProcess;
import io.hyperai.test.KafkaProbe;
import io.hyperai.test.SharedInfrastructure;
import io.restassured.path.json.JsonPath;

/**
 * Issue 6 across a real crash: billing-service (10 s intervals, accrual every 10 s; see
 * {@link SharedServices}) meters several runs from execution events on the real broker, is killed
 * with kill -9 while they run, misses their ends while it is down, and is started again. Every run's
 * ledger then adds up to floor(price x seconds / 3600) to the minor unit: nothing is lost (the time
 * while it was down is charged from event times) and nothing is doubled (intervals are unique, and
 * events redelivered after the crash, or replayed, are applied once).
 */
@ExtendWith(SharedServices.class)
class BillingRestartIT {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final long INTERVAL = 10;
    private static PackagedServices services;
    private static final List<String> EVENT_IDS = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** One metered run; {@code end} is set when its end event is sent. */
    private static final class Run {
        final String id = "it-run-" + UUID.randomUUID();
        final String label;
        final long price;
        final Instant startedAt;
        Instant endedAt;
        String endRecord;

        Run(String label, long price, Instant startedAt) {
            this.label = label;
            this.price = price;
            this.startedAt = startedAt;
        }

        long seconds() {
            return Duration.between(startedAt, endedAt).toSeconds();
        }

        long expected() {
            return price * seconds() / 3600;
        }
    }

    /** What the ledger holds for one execution, read in one statement. */
    private record Ledger(long entries, long distinctIntervals, long maxInterval, long refunds, long seconds,
            long amount) {
    }

    @BeforeAll
    static void start() {
        services = SharedServices.get();
    }

    @Test
    void killedMidRunAndRestartedTheLedgerLosesAndDoublesNothing() {
        String owner = newUser("carol");
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Run a = new Run("a (ends while down)", 1_290, now.minusSeconds(95));
        Run b = new Run("b (late end: refund)", 23_900, now.minusSeconds(200));
        Run c = new Run("c (7/h, ends while down)", 7, now.minusSeconds(61));
        Run d = new Run("d (runs through the restart)", 99_999, now.minusSeconds(45));
        Run e = new Run("e (ended before the kill)", 4_321, now.minusSeconds(300));
        List<Run> runs = List.of(a, b, c, d, e);
        for (Run run : runs) {
            send(run.id, started(run, owner));
        }
        end(e, owner, now.minusSeconds(130));

        // the periodic accrual charges every running execution, and then does so once more
        await().atMost(WAIT).until(() -> runs.stream().allMatch(r -> ledger(r.id).entries() > 0));
        awaitSettled(e);
        long dBefore = ledger(d.id).entries();
        await().atMost(WAIT).until(() -> ledger(d.id).entries() > dBefore);

        ServiceProcess billing = services.get("billing");
        Map<Run, Ledger> atKill = new LinkedHashMap<>();
        billing.kill();
        runs.forEach(r -> atKill.put(r, ledger(r.id)));
        long killedAt = System.nanoTime();

        // while it is down: three runs end, one end is delivered twice, and e's end is replayed
        Instant down = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        end(a, owner, down);
        // b ended 7 s before the end of what was charged before the kill; its end reaches billing only now,
        // so the restarted service has to give back what was charged past it
        end(b, owner, b.startedAt.plusSeconds(atKill.get(b).maxInterval() * INTERVAL - 7));
        end(c, owner, down.plusSeconds(1));
        send(a.id, a.endRecord);
        send(e.id, e.endRecord);
        // stay down until at least one more of d's intervals has become due: it must be charged afterwards
        long dueAtKill = atKill.get(d).maxInterval();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() ->
                Duration.between(d.startedAt, Instant.now()).toSeconds() >= (dueAtKill + 1) * INTERVAL + 1);

        billing.restart(Duration.ofSeconds(180));
        long downMs = (System.nanoTime() - killedAt) / 1_000_000;
        long readyAt = System.nanoTime();
        for (Run r : List.of(a, b, c)) {
            awaitSettled(r);
        }
        long endsAppliedMs = (System.nanoTime() - readyAt) / 1_000_000;
        // d keeps running: the accrual after the restart continues where the ledger stood, with no gap
        await().atMost(WAIT).until(() -> ledger(d.id).maxInterval() > dueAtKill);
        Ledger running = ledger(d.id);
        long runningSeconds = running.maxInterval() * INTERVAL;
        System.out.printf("billing restart: d running: intervals 1..%d charged at the kill, 1..%d after the restart "
                + "(%d entries, %d s), charged %d (expected floor(%d x %d / 3600) = %d)%n", dueAtKill,
                running.maxInterval(), running.entries(), running.seconds(), running.amount(), d.price, runningSeconds,
                d.price * runningSeconds / 3600);
        assertThat(running.entries()).isEqualTo(running.maxInterval()).isEqualTo(running.distinctIntervals());
        assertThat(running.refunds()).isZero();
        assertThat(running.seconds()).isEqualTo(runningSeconds);
        assertThat(running.amount()).isEqualTo(d.price * runningSeconds / 3600);

        end(d, owner, Instant.now().truncatedTo(ChronoUnit.SECONDS));
        awaitSettled(d);

        Map<String, Long> byApi = chargesByExecution(owner);
        long total = 0;
        long processed = Api.number("billing", "SELECT count(*) FROM inbox_event WHERE consumer = 'billing-metering' "
                + "AND event_id = ANY (?)", (Object) EVENT_IDS.toArray(String[]::new));
        System.out.printf("billing restart: billing down %d ms (kill -9 to ready again); the ends sent meanwhile "
                + "applied %d ms after it was ready; %d distinct events (12 records) processed %d times%n", downMs,
                endsAppliedMs, EVENT_IDS.size(), processed);
        assertThat(processed).isEqualTo(EVENT_IDS.size());
        for (Run r : runs) {
            Ledger l = ledger(r.id);
            Ledger k = atKill.get(r);
            total += r.expected();
            System.out.printf("billing restart: run %-28s price %6d/h, %4d s: expected floor(%d x %d / 3600) = %5d; "
                    + "ledger %5d in %2d entries (%d refund), API %5d; at the kill %5d in %2d entries%n", r.label,
                    r.price, r.seconds(), r.price, r.seconds(), r.expected(), l.amount(), l.entries(), l.refunds(),
                    byApi.getOrDefault(r.id, 0L), k.amount(), k.entries());
            assertThat(l.amount()).as("ledger of run %s", r.label).isEqualTo(r.expected());
            assertThat(byApi.get(r.id)).as("charges of run %s through the API", r.label).isEqualTo(r.expected());
            assertThat(l.seconds()).as("seconds of run %s", r.label).isEqualTo(r.seconds());
            assertThat(l.distinctIntervals()).as("intervals of run %s", r.label).isEqualTo(l.entries());
            // intervals 1..n each once, and a refund (interval 0) only where more was accrued than it ran
            assertThat(l.entries() - l.refunds()).as("interval entries of run %s", r.label).isEqualTo(l.maxInterval());
            assertThat(l.refunds()).isLessThanOrEqualTo(1);
            if (l.refunds() == 0) {
                assertThat(l.maxInterval()).isEqualTo((r.seconds() + INTERVAL - 1) / INTERVAL);
            }
        }
        long balance = given().baseUri(services.url("billing")).auth().oauth2(token(owner))
                .get("/api/v1/billing/me").then().statusCode(200).extract().jsonPath().getLong("balanceMinor");
        System.out.printf("billing restart: owner charged %d in total, balance %d%n", total, balance);
        assertThat(balance).isEqualTo(-total);
        assertThat(ledger(b.id).refunds()).as("b's refund").isEqualTo(1);
        assertThat(byApi.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(total);
    }

    // --- events ----------------------------------------------------------------------------------------

    private static String eventId() {
        String id = UUID.randomUUID().toString();
        EVENT_IDS.add(id);
        return id;
    }

    private static String started(Run run, String owner) {
        return EventCodec.write(EventCodec.envelope(eventId(), "/execution-service",
                EventType.EXECUTION_STARTED, run.id, run.startedAt, new ExecutionStarted(run.id, "gear-" + run.id,
                        owner, "jupyter", "gpu-a100-1", run.price, "CNY", run.startedAt, null)));
    }

    private static void end(Run run, String owner, Instant endedAt) {
        run.endedAt = endedAt;
        run.endRecord = EventCodec.write(EventCodec.envelope(eventId(), "/execution-service",
                EventType.EXECUTION_STOPPED, run.id, endedAt, new ExecutionEnded(run.id, "gear-" + run.id, owner,
                        run.startedAt, endedAt, null, "USER_STOPPED")));
        send(run.id, run.endRecord);
    }

    private static void send(String key, String record) {
        KafkaProbe.shared().send(Topics.EXECUTION, key, record, Map.of());
    }

    // --- what billing holds ----------------------------------------------------------------------------

    private static void awaitSettled(Run run) {
        await().atMost(WAIT).until(() -> Api.number("billing",
                "SELECT count(*) FROM metered_run WHERE execution_id = ? AND settled_at IS NOT NULL", run.id) == 1);
    }

    private static Ledger ledger(String executionId) {
        try (Connection c = SharedInfrastructure.postgres().connect("billing");
                PreparedStatement s = c.prepareStatement("SELECT count(*), count(DISTINCT interval_no), "
                        + "COALESCE(max(interval_no), 0), count(*) FILTER (WHERE interval_no = 0), "
                        + "COALESCE(sum(seconds), 0), COALESCE(sum(amount_minor), 0) FROM charge WHERE execution_id = ?")) {
            s.setString(1, executionId);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return new Ledger(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                        rs.getLong(6));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The owner's ledger as {@code GET /api/v1/billing/me/charges} pages it, summed per execution. */
    private static Map<String, Long> chargesByExecution(String owner) {
        Map<String, Long> sums = new HashMap<>();
        String token = token(owner);
        for (int page = 0;; page++) {
            JsonPath body = given().baseUri(services.url("billing")).auth().oauth2(token).queryParam("page", page)
                    .queryParam("size", 100).get("/api/v1/billing/me/charges").then().statusCode(200).extract()
                    .jsonPath();
            List<String> ids = body.getList("items.executionId", String.class);
            List<Long> amounts = body.getList("items.amountMinor", Long.class);
            for (int i = 0; i < ids.size(); i++) {
                sums.merge(ids.get(i), amounts.get(i), Long::sum);
            }
            if (ids.size() < 100) {
                return sums;
            }
        }
    }
}
