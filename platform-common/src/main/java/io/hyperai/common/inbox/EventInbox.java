package io.hyperai.common.inbox;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.hyperai.common.events.EventCodec;
import io.hyperai.common.events.EventEnvelope;
import io.hyperai.common.events.EventType;
import io.hyperai.common.events.MalformedEventException;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The idempotent consumer: an event id is claimed in the same transaction as the effect of the
 * event, so a redelivered event finds its claim and changes nothing, and a failed effect rolls the
 * claim back with it (the event is then tried again, never lost).
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
    // one statement for a whole batch; RETURNING names the ids seen for the first time
    private static final String CLAIM_ALL = "INSERT INTO inbox_event (consumer, event_id, event_type) "
            + "SELECT :consumer, e.id, e.type FROM jsonb_to_recordset(CAST(CAST(:events AS text) AS jsonb)) AS e(id text, type text) "
            + "ON CONFLICT DO NOTHING RETURNING event_id";

    private final MeterRegistry registry;
    private final InboxConfig config;
    private final DeadLetters deadLetters;

    public EventInbox(MeterRegistry registry, InboxConfig config, DeadLetters deadLetters) {
        this.registry = registry;
        this.config = config;
        this.deadLetters = deadLetters;
    }

    /**
     * {@link #process} in a transaction of its own, tried again after a growing pause (up to
     * {@code hyperai.inbox.retry.max-backoff}) for as long as it fails for any reason but the record itself: a
     * database, broker or service away for minutes or hours is waited out, the partition waits meanwhile (so the
     * consumer's events keep their order, and the connector stops fetching once its queue is full), and the stream
     * resumes where it stopped. Only a record that can never succeed as it is (not an event, unreadable data) is
     * kept aside in {@link DeadLetters} (waiting out an outage the same way), for an admin to read and redrive.
     */
    public Uni<Void> apply(String consumer, String record, EventHandler handler) {
        return untilApplied(consumer,
                Uni.createFrom().deferred(() -> Panache.withTransaction(() -> process(consumer, record, handler))))
                .onFailure(MalformedEventException.class).recoverWithUni(malformed -> untilApplied(consumer,
                        Uni.createFrom().deferred(() -> deadLetters.keep(consumer, record, malformed.getMessage()))));
    }

    /** {@link #apply(String, String, EventHandler)} for a consumer bean. */
    public Uni<Void> apply(EventConsumer consumer, String record) {
        return apply(consumer.consumer(), record, consumer);
    }

    /**
     * A poll of records applied in one transaction, with the same guarantees as {@link #apply} for each: every event is
     * read by the consumer first (a record that can never be applied is dead-lettered on its own and the others go
     * on), then the batch's ids are claimed with one statement and the consumer applies the events seen for the first
     * time, in order, in the same transaction. A transient failure rolls the whole batch back and tries it again
     * until it is applied; a redelivered batch finds its claims and changes nothing.
     */
    public <T> Uni<Void> applyBatch(BatchConsumer<T> consumer, List<String> records) {
        return applyBatch(consumer, records, Collections.nCopies(records.size(), null));
    }

    /**
     * {@link #applyBatch(BatchConsumer, List)} for a poll taken as messages ({@code KafkaRecordBatch}): each record is
     * read in the context of its own consumer span, so a consumer can keep what one event started in that event's
     * trace (the connector opens a span per record of a batch, but makes none of them current).
     */
    public <T> Uni<Void> applyTracedBatch(BatchConsumer<T> consumer, Iterable<? extends Message<String>> messages) {
        List<String> records = new ArrayList<>();
        List<Context> contexts = new ArrayList<>();
        for (Message<String> message : messages) {
            records.add(message.getPayload());
            contexts.add(TracingMetadata.fromMessage(message).map(TracingMetadata::getCurrentContext).orElse(null));
        }
        return applyBatch(consumer, records, contexts);
    }

    private <T> Uni<Void> applyBatch(BatchConsumer<T> consumer, List<String> records, List<Context> contexts) {
        String name = consumer.consumer();
        long t0 = System.nanoTime();
        List<Read<T>> events = new ArrayList<>(records.size());
        Uni<Void> deadLettered = Uni.createFrom().voidItem();
        for (int i = 0; i < records.size(); i++) {
            String record = records.get(i);
            Context context = contexts.get(i);
            try (Scope ignored = context == null ? Scope.noop() : context.makeCurrent()) {
                EventEnvelope envelope = EventCodec.read(record);
                Optional<EventType> type = typeFromItsProducer(envelope);
                events.add(new Read<>(envelope, type.map(t -> consumer.read(envelope, t)).orElse(null),
                        type.isPresent()));
            } catch (MalformedEventException malformed) {
                deadLettered = deadLettered.chain(() -> untilApplied(name,
                        Uni.createFrom().deferred(() -> deadLetters.keep(name, record, malformed.getMessage()))));
            }
        }
        if (events.isEmpty()) {
            return deadLettered;
        }
        List<Boolean> fresh = new ArrayList<>();
        return deadLettered.chain(() -> untilApplied(name, Uni.createFrom().deferred(() -> Panache.withTransaction(
                () -> claimAll(name, events).chain(claimed -> {
                    fresh.clear();
                    List<T> items = new ArrayList<>();
                    for (Read<T> event : events) {
                        boolean first = claimed.remove(event.envelope().id()); // a repeat within the batch is not
                        fresh.add(first);
                        if (first && event.item() != null) {
                            items.add(event.item());
                        }
                    }
                    return items.isEmpty() ? Uni.createFrom().voidItem() : consumer.applyAll(items);
                })))))
                .invoke(() -> {
                    LOG.debugf("%s: a batch of %d events applied in %d ms", name, events.size(),
                            (System.nanoTime() - t0) / 1_000_000);
                    for (int i = 0; i < events.size(); i++) {
                        Read<T> event = events.get(i);
                        count(name, event.envelope().type(),
                                !fresh.get(i) ? "duplicate" : event.known() ? "applied" : "ignored");
                    }
                });
    }

    private record Read<T>(EventEnvelope envelope, T item, boolean known) {
    }

    private Uni<Set<String>> claimAll(String consumer, List<? extends Read<?>> events) {
        JsonArray ids = new JsonArray();
        events.forEach(e -> ids.add(new JsonObject().put("id", e.envelope().id()).put("type", e.envelope().type())));
        return Panache.getSession().chain(s -> s.createNativeQuery(CLAIM_ALL, String.class)
                .setParameter("consumer", consumer).setParameter("events", ids.encode()).getResultList())
                .map(HashSet::new);
    }

    /**
     * The retry policy of every consumer, for one record or a batch: {@code attempt} (which must open its own
     * transaction on each subscription) again after each transient failure, indefinitely, logging the first failures
     * and then every tenth so that an outage of hours does not flood the log.
     */
    public <T> Uni<T> untilApplied(String consumer, Uni<T> attempt) {
        AtomicInteger failures = new AtomicInteger(); // per record, across its attempts
        return attempt
                .onFailure(EventInbox::transientFailure).invoke(failure -> {
                    int n = failures.incrementAndGet();
                    if (n <= 3 || n % 10 == 0) {
                        LOG.warnf("%s: applying events failed %d time(s) so far; they are tried again until applied: %s",
                                consumer, n, failure.toString());
                    }
                    registry.counter("hyperai_events_attempts_failed", "consumer", consumer).increment();
                })
                .onFailure(EventInbox::transientFailure).retry()
                .withBackOff(config.retry().initialBackoff(), config.retry().maxBackoff()).indefinitely();
    }

    /** Whatever is not the record's own fault may go away: only a malformed record fails the same way every time. */
    private static boolean transientFailure(Throwable failure) {
        return !(failure instanceof MalformedEventException);
    }

    /**
     * Reads a raw record and applies it once, in the caller's transaction ({@link #apply} opens one). Records that
     * are not events fail ({@link MalformedEventException}); events of types this consumer does not know are claimed
     * and skipped.
     */
    public Uni<Void> process(String consumer, String record, EventHandler handler) {
        EventEnvelope envelope = EventCodec.read(record);
        Optional<EventType> known = typeFromItsProducer(envelope);
        return claim(consumer, envelope).chain(first -> {
            if (!first) {
                LOG.debugf("%s: event %s (%s) already processed", consumer, envelope.id(), envelope.type());
                count(consumer, envelope.type(), "duplicate");
                return Uni.createFrom().voidItem();
            }
            return known
                    .map(type -> handler.handle(envelope, type).invoke(() -> count(consumer, envelope.type(), "applied")))
                    .orElseGet(() -> {
                        count(consumer, envelope.type(), "ignored");
                        return Uni.createFrom().voidItem();
                    });
        });
    }

    /**
     * The event's type when this service knows it, from the one service that publishes it: an event of a known type
     * that claims another source is refused like a malformed one (kept as a dead letter, never applied), so a
     * misconfigured or compromised service cannot speak for another even where the broker's ACLs let it write.
     */
    static Optional<EventType> typeFromItsProducer(EventEnvelope envelope) {
        Optional<EventType> type = EventType.of(envelope.type());
        if (type.isPresent() && !type.get().producer().equals(envelope.source())) {
            throw new MalformedEventException("event " + envelope.id() + " of type " + envelope.type()
                    + " claims the source " + envelope.source() + "; only " + type.get().producer() + " publishes it");
        }
        return type;
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
