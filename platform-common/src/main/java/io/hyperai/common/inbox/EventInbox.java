package io.hyperai.common.inbox;

import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.hyperai.common.events.EventCodec;
import io.hyperai.common.events.EventEnvelope;
import io.hyperai.common.events.EventType;
import io.hyperai.common.events.MalformedEventException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * The idempotent consumer: an event id is claimed in the same transaction as the effect of the
 * event, so a redelivered event finds its claim and changes nothing, and a failed effect rolls the
 * claim back with it (the event is then retried or dead-lettered, never lost).
 * <p>
 * {@link #apply} is what an {@code @Incoming} method calls: it opens the transaction itself, because a failed attempt
 * must be retried in a new transaction (PostgreSQL refuses every statement of a transaction after one failed), and an
 * interceptor-based retry would run inside the {@code @WithTransaction} around the method.
 */
@ApplicationScoped
public class EventInbox {

    private static final Logger LOG = Logger.getLogger(EventInbox.class);
    private static final String CLAIM = "INSERT INTO inbox_event (consumer, event_id, event_type) "
            + "VALUES (:consumer, :eventId, :eventType) ON CONFLICT DO NOTHING";

    private final MeterRegistry registry;
    private final InboxConfig config;

    public EventInbox(MeterRegistry registry, InboxConfig config) {
        this.registry = registry;
        this.config = config;
    }

    /**
     * {@link #process} in a transaction of its own, tried again after a growing pause while it fails for any reason
     * but the record itself (the database restarting, a serialization conflict, a lock timeout): the partition waits
     * meanwhile, so the consumer's events keep their order. A record that is not an event, or a failure that outlasts
     * the attempts, is left to the channel's failure strategy (the dead-letter topic, with the reason).
     */
    public Uni<Void> apply(String consumer, String record, EventHandler handler) {
        Uni<Void> attempt = Uni.createFrom()
                .deferred(() -> Panache.withTransaction(() -> process(consumer, record, handler)));
        if (config.attempts() == 0) {
            return attempt;
        }
        AtomicInteger failures = new AtomicInteger(); // per record, across its attempts
        return attempt
                .onFailure(EventInbox::transientFailure).invoke(failure -> {
                    int n = failures.incrementAndGet();
                    if (n <= config.attempts()) {
                        LOG.warnf("%s: an event failed (%d of %d retries left): %s", consumer,
                                config.attempts() - n + 1, config.attempts(), failure.toString());
                    } else {
                        LOG.errorf("%s: an event failed %d times; it goes to the dead-letter topic: %s", consumer, n,
                                failure.toString());
                    }
                    registry.counter("hyperai_events_attempts_failed", "consumer", consumer).increment();
                })
                .onFailure(EventInbox::transientFailure).retry()
                .withBackOff(config.initialBackoff(), config.maxBackoff()).atMost(config.attempts());
    }

    /** Whatever is not the record's own fault may go away: only a malformed record fails the same way every time. */
    private static boolean transientFailure(Throwable failure) {
        return !(failure instanceof MalformedEventException);
    }

    /**
     * Reads a raw record and applies it once, in the caller's transaction ({@link #apply} opens one). Records that
     * are not events fail (and go to the dead-letter topic); events of types this consumer does not know are claimed
     * and skipped.
     */
    public Uni<Void> process(String consumer, String record, EventHandler handler) {
        EventEnvelope envelope = EventCodec.read(record);
        return claim(consumer, envelope).chain(first -> {
            if (!first) {
                LOG.debugf("%s: event %s (%s) already processed", consumer, envelope.id(), envelope.type());
                count(consumer, envelope.type(), "duplicate");
                return Uni.createFrom().voidItem();
            }
            return EventType.of(envelope.type())
                    .map(type -> handler.handle(envelope, type).invoke(() -> count(consumer, envelope.type(), "applied")))
                    .orElseGet(() -> {
                        count(consumer, envelope.type(), "ignored");
                        return Uni.createFrom().voidItem();
                    });
        });
    }

    /** Claims the event id for this consumer; true when it had not been processed before. */
    public Uni<Boolean> claim(String consumer, EventEnvelope envelope) {
        return Panache.currentTransaction()
                .onItem().ifNull().failWith(() -> new IllegalStateException(
                        "an event must be claimed inside the transaction of its effect"))
                .chain(Panache::getSession)
                .chain(session -> session.createNativeQuery(CLAIM)
                        .setParameter("consumer", consumer)
                        .setParameter("eventId", envelope.id())
                        .setParameter("eventType", envelope.type())
                        .executeUpdate())
                .map(inserted -> inserted == 1);
    }

    private void count(String consumer, String type, String outcome) {
        registry.counter("hyperai_events_consumed", "consumer", consumer, "type", type, "outcome", outcome).increment();
    }
}
