package io.hyperai.common.lease;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * One instance leads at a time: the holder of the lease row. A clean stop hands it over at once; a dead holder's lease
 * is taken once it has lapsed, never before; a dead holder stops leading by its own clock; each change of hands
 * raises the fence. Instances here are contenders for a lease of their own, driven by hand, beside the service's.
 */
@QuarkusTest
class LeadershipTest {

    private static final Duration LEASE = Duration.ofSeconds(3);

    @Inject
    Leadership service;
    @Inject
    Pool pool;

    @Test
    void theServiceLeadsAloneAndSaysSo() {
        await().atMost(Duration.ofSeconds(10)).until(service::leads);
        given().get("/q/metrics").then().statusCode(200).body(containsString("hyperai_leader 1.0"));
    }

    @Test
    void oneLeadsAtATimeAndTheLeaseChangesHandsOnAStopOrOnceADeadHoldersLeaseLapses() {
        String lease = "lease-test-" + UUID.randomUUID();
        Leadership a = contender(lease, "a");
        Leadership b = contender(lease, "b");

        renew(a);
        renew(b);
        assertThat(a.leads()).isTrue();
        assertThat(b.leads()).as("the lease is a's").isFalse();
        assertThat(a.fence()).isEqualTo(1);

        a.release(null); // a clean stop
        renew(b);
        assertThat(b.leads()).as("given up, taken at once").isTrue();
        assertThat(b.fence()).isEqualTo(2);
        renew(a);
        assertThat(a.leads()).as("a stopped instance claims nothing").isFalse();

        // b dies: it renews no more. While its lease runs nobody else may lead; it stops leading by its own clock.
        Leadership c = contender(lease, "c");
        renew(c);
        assertThat(c.leads()).as("b's lease has not lapsed").isFalse();
        await().atMost(LEASE).until(() -> !b.leads());
        await().atMost(LEASE.multipliedBy(3)).until(() -> {
            renew(c);
            return c.leads();
        });
        assertThat(c.fence()).isEqualTo(3);

        // c is restarted in its place under the same name: the new process takes the lease back at once
        Leadership cAgain = contender(lease, "c");
        renew(cAgain);
        assertThat(cAgain.leads()).isTrue();
        assertThat(cAgain.fence()).as("the same holder: no change of hands").isEqualTo(3);
    }

    /**
     * An instance learns once that another holds the lease: at its first renewal after the change of hands, also when
     * it led until it stalled and another took its lapsed lease over (it must then stop what only the leader does).
     */
    @Test
    void anInstanceIsToldOnceEachTimeAnotherTakesTheLease() {
        String lease = "lease-test-" + UUID.randomUUID();
        Leadership a = contender(lease, "a");
        Leadership b = contender(lease, "b");
        java.util.concurrent.atomic.AtomicInteger told = new java.util.concurrent.atomic.AtomicInteger();
        b.whenAnotherLeads(told::incrementAndGet);

        renew(a);
        renew(b);
        renew(b);
        assertThat(told).as("a leads").hasValue(1);
        a.release(null);
        renew(b);
        assertThat(b.leads()).isTrue();
        assertThat(told).hasValue(1);

        // b stalls; its lease lapses and c takes it: b hears of it at its next renewal, once
        Leadership c = contender(lease, "c");
        await().atMost(LEASE.multipliedBy(3)).until(() -> {
            renew(c);
            return c.leads();
        });
        renew(b);
        renew(b);
        assertThat(b.leads()).isFalse();
        assertThat(told).as("c took it over").hasValue(2);
    }

    private Leadership contender(String lease, String holder) {
        LeaseConfig config = new LeaseConfig() {
            public Duration duration() {
                return LEASE;
            }

            public String renewInterval() {
                return "1s";
            }

            public Optional<String> holder() {
                return Optional.of(holder);
            }
        };
        return new Leadership(pool, config, new SimpleMeterRegistry(), lease);
    }

    private static void renew(Leadership l) {
        l.renew().await().atMost(Duration.ofSeconds(10));
    }
}
