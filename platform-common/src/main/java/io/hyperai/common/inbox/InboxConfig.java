package io.hyperai.common.inbox;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The pause between attempts of an event whose effect fails for a reason other than the record itself: it grows from
 * the initial to the maximum backoff and stays there, for as long as the failure lasts ({@link EventInbox#untilApplied}).
 */
@ConfigMapping(prefix = "hyperai.inbox.retry")
public interface InboxConfig {

    @WithDefault("200ms")
    Duration initialBackoff();

    @WithDefault("30s")
    Duration maxBackoff();
}
