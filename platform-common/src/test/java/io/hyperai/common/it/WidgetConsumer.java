package io.hyperai.common.it;

import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.hyperai.common.events.EventCodec;
import io.hyperai.common.events.EventEnvelope;
import io.hyperai.common.events.EventType;
import io.hyperai.common.events.MalformedEventException;
import io.hyperai.common.events.payload.GearChanged;
import io.hyperai.common.inbox.EventConsumer;
import io.hyperai.common.inbox.EventInbox;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Counts how often each event was applied; the idempotent consumer must keep every count at one. Until a test says
 * otherwise, it refuses widgets named {@code poison...} as a consumer refuses a shape it does not know yet.
 */
@ApplicationScoped
public class WidgetConsumer implements EventConsumer {

    static final AtomicBoolean ACCEPTS_POISON = new AtomicBoolean();

    private final EventInbox inbox;

    public WidgetConsumer(EventInbox inbox) {
        this.inbox = inbox;
    }

    @Override
    public String consumer() {
        return "widget-counter";
    }

    @Incoming("gear-events")
    public Uni<Void> consume(String record) {
        return inbox.apply(this, record);
    }

    @Override
    public Uni<Void> handle(EventEnvelope envelope, EventType type) {
        GearChanged gear = EventCodec.payload(envelope, GearChanged.class);
        if (gear.name().startsWith("poison") && !ACCEPTS_POISON.get()) {
            throw new MalformedEventException("widget name " + gear.name() + " is not understood yet");
        }
        return Panache.getSession().chain(s -> s.createNativeQuery("""
                INSERT INTO widget_seen (widget_id, event_type, applications) VALUES (:id, :type, 1)
                ON CONFLICT (widget_id, event_type) DO UPDATE SET applications = widget_seen.applications + 1""")
                .setParameter("id", gear.gearId()).setParameter("type", type.type()).executeUpdate()
                .chain(() -> s.createNativeQuery("INSERT INTO widget_seen_order (widget_id, name) VALUES (:id, :name)")
                        .setParameter("id", gear.gearId()).setParameter("name", gear.name()).executeUpdate()))
                .replaceWithVoid();
    }
}
