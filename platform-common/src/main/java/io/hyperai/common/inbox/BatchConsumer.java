package io.hyperai.common.inbox;

import java.util.List;

import io.hyperai.common.events.EventEnvelope;
import io.hyperai.common.events.EventType;
import io.smallrye.mutiny.Uni;

/**
 * A consumer that applies a whole poll of events in one transaction ({@link EventInbox#applyBatch}): each event is
 * read and checked first, outside the transaction, so one that can never be applied is dead-lettered alone; the rest
 * are claimed with one statement and their effects applied together.
 *
 * @param <T> what one event asks of the consumer
 */
public interface BatchConsumer<T> extends EventConsumer {

    /**
     * What the event asks, or null when it does not concern this consumer; throws
     * {@link io.hyperai.common.events.MalformedEventException} when it never can be applied.
     */
    T read(EventEnvelope envelope, EventType type);

    /** Applies the events seen for the first time, in stream order, in the caller's transaction. */
    Uni<Void> applyAll(List<T> fresh);

    /** One event (a redrive): the same as a batch of one. */
    @Override
    default Uni<Void> handle(EventEnvelope envelope, EventType type) {
        T item = read(envelope, type);
        return item == null ? Uni.createFrom().voidItem() : applyAll(List.of(item));
    }
}
