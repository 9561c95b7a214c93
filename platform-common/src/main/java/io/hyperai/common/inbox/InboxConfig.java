package io.hyperai.common.inbox;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The inbox's configuration: how failing effects are retried, and how long applied ids are remembered. */
@ConfigMapping(prefix = "hyperai.inbox")
public interface InboxConfig {

    Retry retry();

    /**
     * Ids of events applied longer ago than this are forgotten ({@link InboxPurge}); longer than any topic keeps an
     * event.
     */
    @WithDefault("P35D")
    Duration retention();

    /**
     * The pause between attempts of an event whose effect fails for a reason other than the record itself: it grows
     * from the initial to the maximum backoff and stays there, for as long as the failure lasts
     * ({@link EventInbox#untilApplied}).
     */
    interface Retry {

        @WithDefault("200ms")
        Duration initialBackoff();

        @WithDefault("30s")
        Duration maxBackoff();
    }
}
