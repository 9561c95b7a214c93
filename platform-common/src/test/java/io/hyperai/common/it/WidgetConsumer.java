package io.hyperai.common.it;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.hyperai.common.events.EventCodec;
import io.hyperai.common.events.EventEnvelope;
import io.hyperai.common.events.EventType;
import io.hyperai.common.events.MalformedEventException;
import io.hyperai.common.events.payload.GearChanged;
import io.hyperai.common.inbox.BatchConsumer;
import io.hyperai.common.inbox.EventInbox;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Counts how often each event was applied; the idempotent consumer must keep every count at one. Until a test says
 * otherwise, it refuses widgets named {@code poison...} as a consumer refuses a shape it does not know yet. It takes
 * a whole poll at once ({@code batch=true}, {@link EventInbox#applyBatch}), as billing and storage do; gear-service
 * and execution-service test the one-record path.
 */
@ApplicationScoped
public class WidgetConsumer implements BatchConsumer<WidgetConsumer.Seen> {

    static final AtomicBoolean ACCEPTS_POISON = new AtomicBoolean();

    record Seen(GearChanged gear, EventType type) {
    }

    private final EventInbox inbox;

    public WidgetConsumer(EventInbox inbox) {
        this.inbox = inbox;
    }

    @Override
    public String consumer() {
        return "widget-counter";
    }

    @Incoming("gear-events")
    public Uni<Void> consume(List<String> records) {
        return inbox.applyBatch(this, records);
    }

    @Override
    public Seen read(EventEnvelope envelope, EventType type) {
        GearChanged gear = EventCodec.payload(envelope, GearChanged.class);
        if (gear.name().startsWith("poison") && !ACCEPTS_POISON.get()) {
            throw new MalformedEventException("widget name " + gear.name() + " is not understood yet");
        }
        return new Seen(gear, type);
    }

    @Override
    public Uni<Void> applyAll(List<Seen> fresh) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Seen seen : fresh) {
            chain = chain.chain(() -> apply(seen));
        }
        return chain;
    }

    private static Uni<Void> apply(Seen seen) {
        return Panache.getSession().chain(s -> s.createNativeQuery("""
                INSERT INTO widget_seen (widget_id, event_type, applications) VALUES (:id, :type, 1)
                ON CONFLICT (widget_id, event_type) DO UPDATE SET applications = widget_seen.applications + 1""")
                .setParameter("id", seen.gear().gearId()).setParameter("type", seen.type().type()).executeUpdate()
                .chain(() -> s.createNativeQuery("INSERT INTO widget_seen_order (widget_id, name) VALUES (:id, :name)")
                        .setParameter("id", seen.gear().gearId()).setParameter("name", seen.gear().name())
                        .executeUpdate()))
                .replaceWithVoid();
    }
}
