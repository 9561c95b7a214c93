package io.hyperai.storage.repository;

import java.time.Instant;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.hyperai.storage.StorageQuota;
import io.hyperai.storage.StorageUsage;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** Queries on accounts, usage and reservations; callers provide the session and transaction. */
@ApplicationScoped
public class AccountRepository {

    /** Separates ids in one text parameter (no array binding needed). */
    private static final String SEPARATOR = "\u001f";

    /** Used bytes by kind and bytes held by live reservations. */
    public record Totals(Map<StorageUsage.Kind, Long> usedByKind, long reservedBytes) {
        public long usedBytes() {
            return usedByKind.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * The user's account row, created when missing, locked FOR UPDATE until the transaction ends: every
     * check-and-change of one user's bytes runs under this lock, so two of them never interleave.
     */
    public Uni<StorageQuota> lock(String userId) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery("INSERT INTO storage_quota (user_id) VALUES (:user) ON CONFLICT DO NOTHING")
                        .setParameter("user", userId).executeUpdate())
                .chain(() -> StorageQuota.<StorageQuota>findById(userId, LockModeType.PESSIMISTIC_WRITE));
    }

    public Uni<StorageQuota> find(String userId) {
        return StorageQuota.findById(userId);
    }

    public Uni<Totals> totals(String userId) {
        Uni<List<StorageUsage>> usage = StorageUsage.list("userId", userId);
        Uni<Long> reserved = Panache.getSession().chain(s -> s
                .createNativeQuery("SELECT coalesce(sum(bytes), 0)::bigint FROM storage_reservation "
                        + "WHERE user_id = :user AND expires_at > now()", Long.class)
                .setParameter("user", userId).getSingleResult());
        return usage.chain(rows -> reserved.map(r -> {
            Map<StorageUsage.Kind, Long> byKind = new EnumMap<>(StorageUsage.Kind.class);
            for (StorageUsage.Kind kind : StorageUsage.Kind.values()) {
                byKind.put(kind, 0L);
            }
            for (StorageUsage row : rows) {
                byKind.put(row.kind, row.bytes);
            }
            return new Totals(byKind, r);
        }));
    }

    /** Records (or re-sizes) one stored object; returns how much the user's usage changed. */
    public Uni<Long> putObject(String userId, StorageUsage.Kind kind, String objectId, long bytes) {
        return Panache.getSession().chain(s -> s
                .createNativeQuery("SELECT bytes FROM storage_object WHERE kind = :kind AND object_id = :object", Long.class)
                .setParameter("kind", kind.name()).setParameter("object", objectId).getResultList()
                .chain(existing -> {
                    if (existing.isEmpty()) {
                        return s.createNativeQuery("INSERT INTO storage_object (kind, object_id, user_id, bytes) "
                                + "VALUES (:kind, :object, :user, :bytes)")
                                .setParameter("kind", kind.name()).setParameter("object", objectId)
                                .setParameter("user", userId).setParameter("bytes", bytes).executeUpdate()
                                .chain(() -> adjustUsage(userId, kind, bytes));
                    }
                    long delta = bytes - existing.get(0);
                    return s.createNativeQuery("UPDATE storage_object SET bytes = :bytes, updated_at = now() "
                            + "WHERE kind = :kind AND object_id = :object")
                            .setParameter("kind", kind.name()).setParameter("object", objectId)
                            .setParameter("bytes", bytes).executeUpdate()
                            .chain(() -> adjustUsage(userId, kind, delta));
                }));
    }

    /**
     * Forgets the objects {@code objectId} (exactly, or every object under the prefix {@code objectId/}
     * when {@code withChildren}); subtracts what they were recorded with. Returns the bytes freed.
     */
    public Uni<Long> removeObjects(StorageUsage.Kind kind, String objectId, boolean withChildren) {
        String where = withChildren ? "kind = :kind AND (object_id = :object OR starts_with(object_id, :prefix))"
                : "kind = :kind AND object_id = :object";
        return Panache.getSession().chain(s -> {
            var select = s.createNativeQuery("SELECT user_id, bytes FROM storage_object WHERE " + where, Object[].class)
                    .setParameter("kind", kind.name()).setParameter("object", objectId);
            if (withChildren) {
                select.setParameter("prefix", objectId + "/");
            }
            return select.getResultList().chain(rows -> {
                if (rows.isEmpty()) {
                    return Uni.createFrom().item(0L);
                }
                // remembered for the recount, which must not bring back what was removed after the owners answered
                var remember = s.createNativeQuery("INSERT INTO storage_object_removed (kind, object_id, user_id) "
                        + "SELECT kind, object_id, user_id FROM storage_object WHERE " + where
                        + " ON CONFLICT (kind, object_id) DO UPDATE SET removed_at = now()")
                        .setParameter("kind", kind.name()).setParameter("object", objectId);
                if (withChildren) {
                    remember.setParameter("prefix", objectId + "/");
                }
                var delete = s.createNativeQuery("DELETE FROM storage_object WHERE " + where)
                        .setParameter("kind", kind.name()).setParameter("object", objectId);
                if (withChildren) {
                    delete.setParameter("prefix", objectId + "/");
                }
                Uni<Long> chain = remember.executeUpdate().chain(() -> delete.executeUpdate()).replaceWith(0L);
                long freed = 0;
                for (Object[] row : rows) {
                    String owner = (String) row[0];
                    long bytes = ((Number) row[1]).longValue();
                    freed += bytes;
                    chain = chain.chain(() -> adjustUsage(owner, kind, -bytes));
                }
                long total = freed;
                return chain.replaceWith(total);
            });
        });
    }

    /** The user's used bytes, summed in the database (not through entities the session may hold). */
    public Uni<Long> usedBytes(String userId) {
        return Panache.getSession().chain(s -> s.createNativeQuery(
                "SELECT coalesce(sum(bytes), 0)::bigint FROM storage_usage WHERE user_id = :user", Long.class)
                .setParameter("user", userId).getSingleResult());
    }

    /** The user's objects removed from the ledger at or after {@code since}, as "KIND/objectId". */
    public Uni<java.util.Set<String>> removedSince(String userId, Instant since) {
        return Panache.getSession().chain(s -> s.createNativeQuery("SELECT kind || '/' || object_id "
                + "FROM storage_object_removed WHERE user_id = :user AND removed_at >= :since", String.class)
                .setParameter("user", userId).setParameter("since", since).getResultList())
                .map(java.util.Set::copyOf);
    }

    /** Forgets removals older than {@code before}; says how many. */
    public Uni<Integer> pruneRemoved(Instant before) {
        return Panache.getSession().chain(s -> s.createNativeQuery(
                "DELETE FROM storage_object_removed WHERE removed_at < :before")
                .setParameter("before", before).executeUpdate());
    }

    /** One stored object as the ledger holds it. */
    public record StoredObjectRow(StorageUsage.Kind kind, String objectId, long bytes, Instant createdAt) {
    }

    /** Every object recorded for the user. */
    public Uni<List<StoredObjectRow>> objects(String userId) {
        return Panache.getSession().chain(s -> s.createNativeQuery(
                "SELECT kind, object_id, bytes, created_at FROM storage_object WHERE user_id = :user", Object[].class)
                .setParameter("user", userId).getResultList())
                .map(rows -> rows.stream().map(r -> new StoredObjectRow(StorageUsage.Kind.valueOf((String) r[0]),
                        (String) r[1], ((Number) r[2]).longValue(), instant(r[3]))).toList());
    }

    /**
     * Sets the users' usage per kind to the sum of their objects where it differs (the ledger's definition of usage;
     * a floor at zero once hid a subtraction); returns how many (user, kind) rows changed.
     */
    public Uni<Integer> resum(Collection<String> userIds) {
        if (userIds.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return Panache.getSession().chain(s -> s.createNativeQuery("""
                INSERT INTO storage_usage (user_id, kind, bytes)
                SELECT t.user_id, t.kind, t.bytes FROM (
                    SELECT u.user_id, k.kind, coalesce((SELECT sum(o.bytes) FROM storage_object o
                                                        WHERE o.user_id = u.user_id AND o.kind = k.kind), 0) AS bytes
                      FROM unnest(string_to_array(:users, :separator)) AS u(user_id)
                     CROSS JOIN (VALUES ('DATASET'), ('MODEL'), ('CODE'), ('WORKING_DIRECTORY')) AS k(kind)) t
                 WHERE t.bytes > 0
                    OR EXISTS (SELECT 1 FROM storage_usage x WHERE x.user_id = t.user_id AND x.kind = t.kind)
                 ORDER BY t.user_id, t.kind
                ON CONFLICT (user_id, kind) DO UPDATE SET bytes = EXCLUDED.bytes, updated_at = now()
                 WHERE storage_usage.bytes <> EXCLUDED.bytes""")
                .setParameter("users", String.join(SEPARATOR, userIds)).setParameter("separator", SEPARATOR)
                .executeUpdate());
    }

    /**
     * Records (or re-sizes) many objects with one statement: a JSON array of {@code {kind, object_id, user_id,
     * bytes}}, at most one per object. The per-kind usage is not touched: {@link #resum} follows.
     */
    public Uni<Integer> putAll(String objects) {
        return Panache.getSession().chain(s -> s.createNativeQuery("""
                INSERT INTO storage_object (kind, object_id, user_id, bytes)
                SELECT o.kind, o.object_id, o.user_id, o.bytes
                  FROM jsonb_to_recordset(CAST(CAST(:objects AS text) AS jsonb)) AS o(kind text, object_id text, user_id text, bytes bigint)
                 ORDER BY o.kind, o.object_id
                ON CONFLICT (kind, object_id) DO UPDATE SET bytes = EXCLUDED.bytes, updated_at = now()
                 WHERE storage_object.bytes <> EXCLUDED.bytes""").setParameter("objects", objects).executeUpdate());
    }

    /**
     * Forgets many objects with two statements (a JSON array of {@code {kind, object_id}}), remembering each for the
     * recount like {@link #removeObjects(StorageUsage.Kind, String, boolean)}. The per-kind usage is not touched: {@link #resum} follows.
     */
    public Uni<Integer> removeAll(String objects) {
        String removed = "jsonb_to_recordset(CAST(CAST(:objects AS text) AS jsonb)) AS r(kind text, object_id text)";
        return Panache.getSession().chain(s -> s.createNativeQuery("INSERT INTO storage_object_removed "
                + "(kind, object_id, user_id) SELECT o.kind, o.object_id, o.user_id FROM storage_object o JOIN "
                + removed + " ON o.kind = r.kind AND o.object_id = r.object_id"
                + " ON CONFLICT (kind, object_id) DO UPDATE SET removed_at = now()")
                .setParameter("objects", objects).executeUpdate()
                .chain(() -> s.createNativeQuery("DELETE FROM storage_object o USING " + removed
                        + " WHERE o.kind = r.kind AND o.object_id = r.object_id")
                        .setParameter("objects", objects).executeUpdate()));
    }

    /** Deletes these reservations (settled by what they reserved for). */
    public Uni<Integer> deleteReservations(Collection<java.util.UUID> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return Panache.getSession().chain(s -> s.createNativeQuery("DELETE FROM storage_reservation "
                + "WHERE id = ANY (CAST(string_to_array(:ids, :separator) AS uuid[]))")
                .setParameter("ids", String.join(SEPARATOR, ids.stream().map(Object::toString).toList()))
                .setParameter("separator", SEPARATOR).executeUpdate());
    }

    private static Instant instant(Object value) {
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof java.time.OffsetDateTime o) {
            return o.toInstant();
        }
        if (value instanceof java.sql.Timestamp t) {
            return t.toInstant();
        }
        if (value instanceof java.time.LocalDateTime l) {
            return l.toInstant(java.time.ZoneOffset.UTC);
        }
        throw new IllegalStateException("not a time: " + value);
    }

    private Uni<Long> adjustUsage(String userId, StorageUsage.Kind kind, long delta) {
        if (delta == 0) {
            return Uni.createFrom().item(0L);
        }
        return Panache.getSession().chain(s -> s.createNativeQuery("""
                INSERT INTO storage_usage (user_id, kind, bytes) VALUES (:user, :kind, greatest(0, :delta))
                ON CONFLICT (user_id, kind) DO UPDATE
                   SET bytes = greatest(0, storage_usage.bytes + :delta), updated_at = now()""")
                .setParameter("user", userId).setParameter("kind", kind.name()).setParameter("delta", delta)
                .executeUpdate()).replaceWith(delta);
    }

    /** Deletes one reservation; true when it existed. */
    public Uni<Boolean> deleteReservation(java.util.UUID id) {
        return Panache.getSession().chain(s -> s.createNativeQuery("DELETE FROM storage_reservation WHERE id = :id")
                .setParameter("id", id).executeUpdate()).map(n -> n > 0);
    }

    public Uni<Integer> deleteExpiredReservations(Instant before) {
        return Panache.getSession().chain(s -> s.createNativeQuery("DELETE FROM storage_reservation WHERE expires_at <= :before")
                .setParameter("before", before).executeUpdate());
    }
}
