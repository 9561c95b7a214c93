package io.hyperai.common.inbox;

/**
 * A named consumer of events, as a bean: its {@code @Incoming} methods hand records to {@link EventInbox#apply}, and
 * {@link DeadLetters} finds it by {@link #consumer()} to redrive what it once could not apply.
 */
public interface EventConsumer extends EventHandler {

    /** The name its events are claimed under in {@code inbox_event} (and its dead letters kept under). */
    String consumer();
}
