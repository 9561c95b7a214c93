package io.hyperai.common.lease;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The lease that makes one instance of a service the one that runs its singleton work. */
@ConfigMapping(prefix = "hyperai.lease")
public interface LeaseConfig {

    /** How long a lease lasts unless renewed: the longest a dead leader's work waits for a successor. */
    @WithDefault("15s")
    Duration duration();

    /** How often the holder renews it and the others try to take it (read by its {@code @Scheduled} expression). */
    @WithDefault("5s")
    String renewInterval();

    /**
     * This instance's name in the lease; by default its process and a random part. A supervisor that restarts an
     * instance in the same place only after the previous one died (the launcher) names it, so the restarted instance
     * takes its predecessor's lease back at once instead of waiting for it to lapse. Never give two live instances
     * the same name.
     */
    Optional<String> holder();
}
