package io.hyperai.common.inbox;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * How long a consumer keeps trying an event whose effect fails for a reason other than the record itself. The
 * defaults add up to about 30 s (at most about 45 s with jitter), inside the 60 s the Kafka connector lets a record
 * stay unprocessed before it reports the channel unhealthy.
 */
@ConfigMapping(prefix = "hyperai.inbox.retry")
public interface InboxConfig {

    /** Attempts after the first; 0 sends a failed event to the dead-letter topic at once. */
    @WithDefault("10")
    int attempts();

    @WithDefault("200ms")
    Duration initialBackoff();

    @WithDefault("5s")
    Duration maxBackoff();
}
