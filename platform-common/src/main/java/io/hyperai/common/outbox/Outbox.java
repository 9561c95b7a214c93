package io.hyperai.common.outbox;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.hyperai.common.events.EventCodec;
import io.hyperai.common.events.EventEnvelope;
import io.hyperai.common.events.EventType;
import io.hyperai.common.events.payload.EventPayload;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Records an event in the caller's Hibernate Reactive transaction, so it commits or rolls back
 * together with the state change it describes. {@link OutboxRelay} publishes it afterwards.
 */
@ApplicationScoped
public class Outbox {

    private static final String INSERT = "INSERT INTO outbox_event (id, topic, aggregate_id, type, payload, traceparent) "
            + "VALUES (:id, :topic, :aggregateId, :type, :payload, :traceparent)";
    /** Outside any span an event continues the trace of its aggregate's newest traced event, if any. */
    private static final String INSERT_INHERITING = "INSERT INTO outbox_event (id, topic, aggregate_id, type, payload, "
            + "traceparent) VALUES (:id, :topic, :aggregateId, :type, :payload, (SELECT o.traceparent FROM outbox_event o "
            + "WHERE o.aggregate_id = :aggregateId AND o.traceparent IS NOT NULL ORDER BY o.seq DESC LIMIT 1))";

    private final OutboxConfig config;
    private final OutboxTracing tracing;

    public Outbox(OutboxConfig config, OutboxTracing tracing) {
        this.config = config;
        this.tracing = tracing;
    }

    /**
     * Appends an event about the aggregate {@code aggregateId} (its Kafka key and the event's subject).
     * Must be called inside a transaction ({@code @WithTransaction} on the service method). The current
     * span's trace context is stored with the event; outside any span (a pod watch, a timer) the event
     * continues the trace of the aggregate's newest traced event, so an execution's lifecycle events
     * stay in the trace of the request that created it.
     */
    public Uni<EventEnvelope> append(EventType type, String aggregateId, EventPayload payload) {
        if (!type.producer().equals(config.source())) {
            // its consumers would refuse it: a service publishes only its own topic's events
            return Uni.createFrom().failure(new IllegalStateException(config.source() + " may not publish "
                    + type.type() + "; only " + type.producer() + " does"));
        }
        EventEnvelope envelope = EventCodec.envelope(config.source(), type, aggregateId, payload);
        String traceparent = tracing.currentTraceparent();
        return Panache.currentTransaction()
                .onItem().ifNull().failWith(() -> new IllegalStateException(
                        "an outbox event must be appended inside the transaction of its state change"))
                .chain(Panache::getSession)
                .chain(session -> {
                    var insert = session.createNativeQuery(traceparent == null ? INSERT_INHERITING : INSERT)
                            .setParameter("id", UUID.fromString(envelope.id()))
                            .setParameter("topic", type.topic())
                            .setParameter("aggregateId", aggregateId)
                            .setParameter("type", type.type())
                            .setParameter("payload", EventCodec.write(envelope));
                    if (traceparent != null) {
                        insert.setParameter("traceparent", traceparent);
                    }
                    return insert.executeUpdate();
                })
                .replaceWith(envelope);
    }
}
