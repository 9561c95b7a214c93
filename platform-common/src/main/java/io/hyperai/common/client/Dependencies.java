package io.hyperai.common.client;

import java.time.temporal.ChronoUnit;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.faulttolerance.api.Guard;

/**
 * The services one calls, each with one fault-tolerance policy wherever it is called from: a timeout, a circuit
 * breaker named after the dependency (for {@code CircuitBreakerMaintenance}) that a 4xx answer does not open, and
 * one retry, after a pause of {@value #RETRY_PAUSE_MS} ms, of a call that got no answer or a 503
 * ({@link DependencyFailures#isWorthOneMoreTry}: a kept-alive connection to an instance that was stopping, an
 * instance too cold to answer within the timeout just after it started; the retry takes another connection, most
 * often to another instance). Every operation of the internal APIs may be repeated: reads and releases by nature,
 * a storage reservation by the id its caller chose.
 * The numbers are configuration ({@code quarkus.fault-tolerance."<dependency>".*}, set in this module's
 * microprofile-config.properties); each dependency's client applies its guard with {@code @ApplyGuard}. Also the
 * clients' config keys: {@code quarkus.rest-client."<dependency>".url}.
 */
@Singleton
public class Dependencies {

    private static final Logger LOG = Logger.getLogger(Dependencies.class);

    public static final String STORAGE = "storage";
    public static final String GEAR = "gear";
    public static final String WAREHOUSE = "warehouse";
    public static final String EXECUTION = "execution";
    public static final String BILLING = "billing";

    /**
     * Before the one more try. An instance that stops closes all its kept-alive connections at once; taken at once,
     * the retry could get another of them before this client has seen it close, and be lost the same way.
     */
    static final long RETRY_PAUSE_MS = 100;

    // static: one guard, so one circuit breaker, per dependency for the whole application
    @Produces @Identifier(STORAGE) static final Guard STORAGE_POLICY = policy(STORAGE);
    @Produces @Identifier(GEAR) static final Guard GEAR_POLICY = policy(GEAR);
    @Produces @Identifier(WAREHOUSE) static final Guard WAREHOUSE_POLICY = policy(WAREHOUSE);
    @Produces @Identifier(EXECUTION) static final Guard EXECUTION_POLICY = policy(EXECUTION);
    @Produces @Identifier(BILLING) static final Guard BILLING_POLICY = policy(BILLING);

    private static Guard policy(String dependency) {
        return Guard.create()
                .withRetry().maxRetries(1).delay(RETRY_PAUSE_MS, ChronoUnit.MILLIS).jitter(0, ChronoUnit.MILLIS)
                .whenException(DependencyFailures::isWorthOneMoreTry)
                .beforeRetry(e -> LOG.infof("%s: one more try after %s", dependency, e)).done()
                .withTimeout().done()
                .withCircuitBreaker().name(dependency).skipOn(RefusedByDependency.class).done()
                .build();
    }
}
