package io.hyperai.common.inbox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;

import org.jboss.logging.Logger;

import io.hyperai.common.events.EventCodec;
import io.hyperai.common.events.EventEnvelope;
import io.hyperai.common.events.MalformedEventException;
import io.hyperai.common.paging.Page;
import io.hyperai.common.problem.ProblemException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The records this service's consumers can never apply as they are, kept in its own database ({@code dead_letter})
 * rather than in a topic nobody reads: an admin lists them and redrives them once the cause is fixed (a consumer that
 * learned a new event shape, a producer's data repaired). A redrive applies the record through the same idempotent
 * inbox, so redriving twice, or a record the broker also delivered again, changes nothing.
 */
@ApplicationScoped
public class DeadLetters {

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);
    private static final String KEEP = """
            INSERT INTO dead_letter (consumer, record_hash, record, event_id, event_type, reason)
            VALUES (:consumer, :hash, :record, :eventId, :eventType, :reason)
            ON CONFLICT (consumer, record_hash)
            DO UPDATE SET deliveries = dead_letter.deliveries + 1, last_at = now(), reason = EXCLUDED.reason""";
    private static final String COLUMNS = "id, consumer, event_id, event_type, reason, deliveries, first_at, last_at,"
            + " redrive_attempts, redriven_at, record";
    // marks it redriven and locks it; undone with the effect if the effect fails
    private static final String CLAIM = "UPDATE dead_letter SET redriven_at = now() WHERE id = :id AND redriven_at IS NULL";
    private static final String FAILED_AGAIN = "UPDATE dead_letter SET redrive_attempts = redrive_attempts + 1,"
            + " reason = :reason, last_at = now() WHERE id = :id AND redriven_at IS NULL";

    private final Pool pool;
    private final EventInbox inbox;
    private final Instance<EventConsumer> consumers;
    private final MeterRegistry registry;

    public DeadLetters(Pool pool, EventInbox inbox, @Any Instance<EventConsumer> consumers, MeterRegistry registry) {
        this.pool = pool;
        this.inbox = inbox;
        this.consumers = consumers;
        this.registry = registry;
    }

    /** Keeps a record that {@code consumer} cannot apply, in a transaction of its own. */
    Uni<Void> keep(String consumer, String record, String reason) {
        EventEnvelope envelope = envelopeOrNull(record);
        return Panache.withTransaction(() -> Panache.getSession().chain(s -> s.createNativeQuery(KEEP)
                .setParameter("consumer", consumer)
                .setParameter("hash", sha256(record))
                .setParameter("record", record)
                .setParameter("eventId", envelope == null ? null : envelope.id())
                .setParameter("eventType", envelope == null ? null : envelope.type())
                .setParameter("reason", reason)
                .executeUpdate()))
                .invoke(() -> {
                    LOG.warnf("%s: a record was dead-lettered (an admin can redrive it): %s", consumer, reason);
                    registry.counter("hyperai_events_dead_lettered", "consumer", consumer).increment();
                })
                .replaceWithVoid();
    }

    /** Newest first; {@code state} is {@link DeadLetter#WAITING}, {@link DeadLetter#REDRIVEN} or null for both. */
    public Uni<Page<DeadLetter>> list(String state, int page, int size) {
        String filter = state == null ? "" : DeadLetter.WAITING.equals(state)
                ? " WHERE redriven_at IS NULL" : " WHERE redriven_at IS NOT NULL";
        Uni<Long> total = pool.query("SELECT count(*) FROM dead_letter" + filter).execute()
                .map(rows -> rows.iterator().next().getLong(0));
        Uni<List<DeadLetter>> items = pool.preparedQuery("SELECT " + COLUMNS + " FROM dead_letter" + filter
                + " ORDER BY id DESC LIMIT $1 OFFSET $2").execute(Tuple.of(size, (long) page * size))
                .map(rows -> {
                    List<DeadLetter> all = new ArrayList<>();
                    rows.forEach(row -> all.add(view(row)));
                    return all;
                });
        return Uni.combine().all().unis(items, total).asTuple()
                .map(t -> new Page<>(t.getItem1(), page, size, t.getItem2()));
    }

    public Uni<DeadLetter> get(long id) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM dead_letter WHERE id = $1").execute(Tuple.of(id))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw ProblemException.notFound("dead letter", Long.toString(id));
                    }
                    return view(rows.iterator().next());
                });
    }

    /**
     * Applies a waiting dead letter through its consumer, in one transaction with marking it redriven; one already
     * redriven is left as it is. A record that still cannot be applied stays waiting with the new reason (409).
     */
    public Uni<DeadLetter> redrive(long id) {
        return get(id).chain(letter -> {
            if (letter.redrivenAt() != null) {
                return Uni.createFrom().item(letter);
            }
            EventConsumer consumer = consumer(letter.consumer());
            return Panache.withTransaction(() -> Panache.getSession()
                    .chain(s -> s.createNativeQuery(CLAIM).setParameter("id", id).executeUpdate())
                    .chain(claimed -> claimed == 0 ? Uni.createFrom().voidItem()
                            : inbox.process(consumer.consumer(), letter.record(), consumer)
                                    .invoke(() -> LOG.infof("%s: dead letter %d redriven", letter.consumer(), id))))
                    .onFailure(MalformedEventException.class).recoverWithUni(e -> Panache.withTransaction(
                            () -> Panache.getSession().chain(s -> s.createNativeQuery(FAILED_AGAIN)
                                    .setParameter("id", id).setParameter("reason", e.getMessage()).executeUpdate()))
                            .chain(() -> Uni.createFrom().failure(ProblemException.conflict("still-malformed",
                                    "dead letter " + id + " still cannot be applied: " + e.getMessage()))))
                    .chain(() -> get(id));
        });
    }

    /** Redrives every waiting dead letter, oldest first; says how many were applied and how many still wait. */
    public Uni<RedriveSummary> redriveAll() {
        return pool.query("SELECT id FROM dead_letter WHERE redriven_at IS NULL ORDER BY id").execute()
                .chain(rows -> {
                    List<Long> ids = new ArrayList<>();
                    rows.forEach(row -> ids.add(row.getLong(0)));
                    int[] counts = new int[2];
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (long id : ids) {
                        chain = chain.chain(() -> redrive(id)
                                .invoke(() -> counts[0]++)
                                .onFailure(e -> e instanceof ProblemException p && p.status() == 409)
                                .recoverWithItem(() -> {
                                    counts[1]++;
                                    return null;
                                })
                                .replaceWithVoid());
                    }
                    return chain.map(v -> new RedriveSummary(counts[0], counts[1]));
                });
    }

    /** What a redrive of everything did. */
    public record RedriveSummary(int applied, int stillWaiting) {
    }

    private EventConsumer consumer(String name) {
        return consumers.stream().filter(c -> c.consumer().equals(name)).findFirst()
                .orElseThrow(() -> ProblemException.conflict("consumer-unknown",
                        "this service has no consumer named " + name + " any more"));
    }

    private static DeadLetter view(Row row) {
        Instant redriven = instant(row.getOffsetDateTime("redriven_at"));
        return new DeadLetter(row.getLong("id"), row.getString("consumer"), row.getString("event_id"),
                row.getString("event_type"), row.getString("reason"), row.getInteger("deliveries"),
                instant(row.getOffsetDateTime("first_at")), instant(row.getOffsetDateTime("last_at")),
                row.getInteger("redrive_attempts"), redriven, redriven == null ? DeadLetter.WAITING : DeadLetter.REDRIVEN,
                row.getString("record"));
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }

    private static EventEnvelope envelopeOrNull(String record) {
        try {
            return EventCodec.read(record);
        } catch (MalformedEventException e) {
            return null;
        }
    }

    static String sha256(String record) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(record.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
