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

    private static final String INSERT = "INSERT INTO outbox_event (id, topic, aggregate_id, type, payload) "
            + "VALUES (:id, :topic, :aggregateId, :type, :payload)";

    private final OutboxConfig config;

    public Outbox(OutboxConfig config) {
        this.config = config;
    }

    /**
     * Appends an event about the aggregate {@code aggregateId} (its Kafka key and the event's subject).
     * Must be called inside a transaction ({@code @WithTransaction} on the service method).
     */
    public Uni<EventEnvelope> append(EventType type, String aggregateId, EventPayload payload) {
        EventEnvelope envelope = EventCodec.envelope(config.source(), type, aggregateId, payload);
        return Panache.currentTransaction()
                .onItem().ifNull().failWith(() -> new IllegalStateException(
                        "an outbox event must be appended inside the transaction of its state change"))
                .chain(Panache::getSession)
                .chain(session -> session.createNativeQuery(INSERT)
                        .setParameter("id", UUID.fromString(envelope.id()))
                        .setParameter("topic", type.topic())
                        .setParameter("aggregateId", aggregateId)
                        .setParameter("type", type.type())
                        .setParameter("payload", EventCodec.write(envelope))
                        .executeUpdate())
                .replaceWith(envelope);
    }
}
