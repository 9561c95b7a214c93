package io.hyperai.common.outbox;

import java.time.Duration;
import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "hyperai.outbox")
public interface OutboxConfig {

    /** The CloudEvents {@code source} of everything this service publishes, e.g. {@code /gear-service}. */
    String source();

    /** When false the relay does not run (another process relays, or a test holds events back). */
    @WithDefault("true")
    boolean relayEnabled();

    /** How often the relay looks for unsent rows (read by its {@code @Scheduled} expression). */
    @WithDefault("0.2s")
    String pollInterval();

    /** How often the backlog gauge is refreshed. */
    @WithDefault("5s")
    String backlogInterval();

    @WithDefault("200")
    int batchSize();

    /** How long a relay run waits for the broker's acknowledgements before leaving rows for the next run. */
    @WithDefault("10s")
    Duration sendTimeout();

    /** Sent rows older than this are deleted. */
    @WithDefault("P7D")
    Duration retention();

    /**
     * Above this many unsent events the service reports not ready. Large on purpose: a backlog means the broker or
     * the relay is behind, while requests still work and their events wait safely in the table; taking every instance
     * out of service for a broker outage would turn late events into an outage of the API. Only a backlog this large
     * (hours of a busy service's events) says the relay cannot catch up and someone must look.
     */
    @WithDefault("100000")
    long readyMaxBacklog();

    /** Extra Kafka producer properties, e.g. {@code hyperai.outbox.producer."linger.ms"=5}. */
    Map<String, String> producer();
}
