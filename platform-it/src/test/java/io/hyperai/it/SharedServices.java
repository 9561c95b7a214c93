package io.hyperai.it;

import io.hyperai.test.PackagedServices;

import java.util.Map;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The packaged services every {@code *IT} class of this module shares: each is started once per
 * test JVM (boots are the cost on a small machine) and stopped when the whole test plan is done.
 * A test that kills or restarts one leaves it running again for the next. Use with
 * {@code @ExtendWith(SharedServices.class)} and {@link #get()}.
 *
 * <p>billing-service runs with the shortest intervals it accepts (10 s charge intervals, accrual every
 * 10 s) and a short Kafka session, so that after a kill -9 its restarted consumer is given the
 * partitions within seconds rather than after the default 45 s session of the dead one.
 */
final class SharedServices implements BeforeAllCallback {

    static final String[] NAMES = { "storage", "warehouse", "gear", "billing" };
    static final Map<String, Map<String, String>> OVERRIDES = Map.of("billing", Map.of(
            "HYPERAI_BILLING_INTERVAL", "10s",
            "HYPERAI_BILLING_ACCRUAL_PERIOD", "10s",
            "KAFKA_SESSION_TIMEOUT_MS", "6000",
            "KAFKA_HEARTBEAT_INTERVAL_MS", "1000"));

    private static PackagedServices services;

    /** The running services, started on first use. */
    static synchronized PackagedServices get() {
        if (services == null) {
            long start = System.nanoTime();
            services = PackagedServices.start("platform-it", OVERRIDES, NAMES);
            System.out.printf("shared services: %s started in %d ms%n", String.join(", ", NAMES),
                    (System.nanoTime() - start) / 1_000_000);
        }
        return services;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .computeIfAbsent(SharedServices.class, k -> new Stopper(), Stopper.class);
        get();
    }

    /** Closed by JUnit when the test plan ends, before the shared infrastructure's shutdown hooks run. */
    private static final class Stopper implements AutoCloseable {
        @Override
        public void close() {
            synchronized (SharedServices.class) {
                if (services != null) {
                    services.close();
                    services = null;
                }
            }
        }
    }
}
