package io.hyperai.common.inbox;

import io.hyperai.common.events.EventEnvelope;
import io.hyperai.common.events.EventType;
import io.smallrye.mutiny.Uni;

/** The effect of one event, run in the transaction that claims it. */
@FunctionalInterface
public interface EventHandler {
    Uni<Void> handle(EventEnvelope envelope, EventType type);
}
