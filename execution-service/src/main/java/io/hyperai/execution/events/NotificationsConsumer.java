package io.hyperai.execution.events;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.hyperai.common.events.EventEnvelope;
import io.hyperai.common.events.EventType;
import io.hyperai.common.events.Topics;
import io.hyperai.common.inbox.EventConsumer;
import io.hyperai.common.inbox.EventInbox;
import io.hyperai.execution.service.AdmissionFacts;
import io.hyperai.execution.service.NotificationService;
import io.smallrye.mutiny.Uni;

/**
 * Keeps a notice for each event a user should be told about, from this service's own events (warnings, stops they
 * did not ask for), billing's (low or exhausted balance, caps) and storage's (quota). A consumer group of its own
 * ({@value #CONSUMER}), so it reads every partition beside this service's other consumers of the same topics; each
 * event once, claimed with its notice. Storage's events are read by this group only, so what they say of the owner's
 * next start (blocked or not) is kept for admission ({@link AdmissionFacts}) here, in the same transaction; billing's
 * are kept by BillingEventsConsumer.
 */
@ApplicationScoped
public class NotificationsConsumer implements EventConsumer {

    static final String CONSUMER = "execution-notifications";

    private final EventInbox inbox;
    private final NotificationService notifications;
    private final AdmissionFacts facts;

    public NotificationsConsumer(EventInbox inbox, NotificationService notifications, AdmissionFacts facts) {
        this.inbox = inbox;
        this.facts = facts;
        this.notifications = notifications;
    }

    @Override
    public String consumer() {
        return CONSUMER;
    }

    @Incoming("execution-notices")
    public Uni<Void> execution(String record) {
        return inbox.apply(this, record);
    }

    @Incoming("billing-notices")
    public Uni<Void> billing(String record) {
        return inbox.apply(this, record);
    }

    @Incoming("storage-notices")
    public Uni<Void> storage(String record) {
        return inbox.apply(this, record);
    }

    @Override
    public Uni<Void> handle(EventEnvelope envelope, EventType type) {
        Uni<Void> kept = notifications.keep(envelope, type);
        return Topics.STORAGE.equals(type.topic()) ? kept.chain(() -> facts.learn(envelope, type)) : kept;
    }
}
