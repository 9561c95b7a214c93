package io.hyperai.common.it;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.hyperai.common.events.EventCodec;
import io.hyperai.common.events.payload.GearChanged;
import io.hyperai.common.inbox.EventInbox;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** Counts how often each event was applied; the idempotent consumer must keep every count at one. */
@ApplicationScoped
public class WidgetConsumer {

    private final EventInbox inbox;

    public WidgetConsumer(EventInbox inbox) {
        this.inbox = inbox;
    }

    @Incoming("gear-events")
    public Uni<Void> consume(String record) {
        return inbox.apply("widget-counter", record, (envelope, type) -> {
            GearChanged gear = EventCodec.payload(envelope, GearChanged.class);
            return Panache.getSession().chain(s -> s.createNativeQuery("""
                    INSERT INTO widget_seen (widget_id, event_type, applications) VALUES (:id, :type, 1)
                    ON CONFLICT (widget_id, event_type) DO UPDATE SET applications = widget_seen.applications + 1""")
                    .setParameter("id", gear.gearId()).setParameter("type", type.type()).executeUpdate()
                    .chain(() -> s.createNativeQuery("INSERT INTO widget_seen_order (widget_id, name) VALUES (:id, :name)")
                            .setParameter("id", gear.gearId()).setParameter("name", gear.name()).executeUpdate()))
                    .replaceWithVoid();
        });
    }
}
