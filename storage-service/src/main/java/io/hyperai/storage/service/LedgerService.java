package io.hyperai.storage.service;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.hyperai.common.events.MalformedEventException;
import io.hyperai.common.events.payload.StoredBytes;
import io.hyperai.common.events.payload.WarehouseItemDeleted;
import io.hyperai.common.events.payload.WarehouseVersionCreated;
import io.hyperai.common.events.payload.WarehouseVersionDeleted;
import io.hyperai.storage.StorageQuota;
import io.hyperai.storage.StorageUsage;
import io.hyperai.storage.repository.AccountRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The usage ledger: what other services report keeping or dropping for a user, applied a batch of events at a time
 * in the transaction of the consumer that claimed them, with every user concerned locked (in one order, so two
 * batches never wait on each other in a cycle).
 */
@ApplicationScoped
public class LedgerService {

    /** What one event asks of the ledger. */
    public record Change(Op op, StorageUsage.Kind kind, String ownerId, String objectId, long bytes,
            String reservationId) {
    }

    public enum Op {
        /** Bytes kept from now on (or re-sized); a reservation made for them is settled. */
        PUT,
        /** One object dropped. */
        REMOVE,
        /** A deleted item: every version still recorded under it goes (their own events normally came first). */
        REMOVE_ITEM
    }

    private final AccountRepository accounts;
    private final StorageService storage;

    public LedgerService(AccountRepository accounts, StorageService storage) {
        this.accounts = accounts;
        this.storage = storage;
    }

    public static Change versionCreated(WarehouseVersionCreated v) {
        return new Change(Op.PUT, warehouseKind(v.kind()), required(v.ownerId(), "ownerId"),
                versionObject(v.itemId(), v.version()), Math.max(0, v.bytes()), v.reservationId());
    }

    public static Change versionDeleted(WarehouseVersionDeleted v) {
        return new Change(Op.REMOVE, warehouseKind(v.kind()), required(v.ownerId(), "ownerId"),
                versionObject(v.itemId(), v.version()), 0, null);
    }

    public static Change itemDeleted(WarehouseItemDeleted item) {
        return new Change(Op.REMOVE_ITEM, warehouseKind(item.kind()), required(item.ownerId(), "ownerId"),
                required(item.itemId(), "itemId"), 0, null);
    }

    public static Change stored(StorageUsage.Kind kind, StoredBytes s) {
        return new Change(Op.PUT, kind, required(s.ownerId(), "ownerId"), required(s.objectId(), "objectId"),
                Math.max(0, s.bytes()), s.reservationId());
    }

    public static Change removed(StorageUsage.Kind kind, StoredBytes s) {
        return new Change(Op.REMOVE, kind, required(s.ownerId(), "ownerId"), required(s.objectId(), "objectId"), 0,
                null);
    }

    /**
     * Applies the changes as if one by one in order, with a few statements for all of them: each object ends in the
     * state its last change leaves it in (a deleted item takes the versions put before it), items are dropped first,
     * then objects removed, then objects put; reservations are settled, each user's usage is re-summed from their
     * objects, and a quota crossing is published once per user.
     */
    public Uni<Void> applyAll(List<Change> changes) {
        Set<String> users = new TreeSet<>();
        Map<String, Change> last = new LinkedHashMap<>(); // by kind/object
        List<Change> items = new ArrayList<>();
        Set<UUID> reservations = new LinkedHashSet<>();
        for (Change c : changes) {
            users.add(c.ownerId());
            if (c.op() == Op.REMOVE_ITEM) {
                String prefix = c.kind() + "/" + c.objectId() + "/";
                last.keySet().removeIf(k -> k.startsWith(prefix));
                items.add(c);
                continue;
            }
            last.remove(c.kind() + "/" + c.objectId()); // re-inserted last: the latest change keeps stream order
            last.put(c.kind() + "/" + c.objectId(), c);
            reservation(c.reservationId()).ifPresent(reservations::add);
        }
        JsonArray puts = new JsonArray();
        JsonArray removes = new JsonArray();
        for (Change c : last.values()) {
            JsonObject row = new JsonObject().put("kind", c.kind().name()).put("object_id", c.objectId());
            if (c.op() == Op.PUT) {
                puts.add(row.put("user_id", c.ownerId()).put("bytes", c.bytes()));
            } else {
                removes.add(row);
            }
        }
        Map<String, StorageQuota> locked = new HashMap<>();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (String user : users) {
            chain = chain.chain(() -> accounts.lock(user).invoke(a -> locked.put(user, a)).replaceWithVoid());
        }
        for (Change item : items) {
            chain = chain.chain(() -> accounts.removeObjects(item.kind(), item.objectId(), true).replaceWithVoid());
        }
        if (!removes.isEmpty()) {
            chain = chain.chain(() -> accounts.removeAll(removes.encode()).replaceWithVoid());
        }
        if (!puts.isEmpty()) {
            chain = chain.chain(() -> accounts.putAll(puts.encode()).replaceWithVoid());
        }
        chain = chain.chain(() -> accounts.deleteReservations(reservations))
                .chain(() -> accounts.resum(users)).replaceWithVoid();
        for (String user : users) {
            chain = chain.chain(() -> storage.reconcile(locked.get(user)));
        }
        return chain;
    }

    private static java.util.Optional<UUID> reservation(String reservationId) {
        if (reservationId == null || reservationId.isBlank()) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(UUID.fromString(reservationId));
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }

    static String versionObject(String itemId, int version) {
        return required(itemId, "itemId") + "/v" + version;
    }

    static StorageUsage.Kind warehouseKind(String kind) {
        String k = kind == null ? "" : kind.toUpperCase(Locale.ROOT);
        return switch (k) {
            case "DATASET" -> StorageUsage.Kind.DATASET;
            case "MODEL" -> StorageUsage.Kind.MODEL;
            default -> throw new MalformedEventException("warehouse event of unknown kind " + kind);
        };
    }

    private static String required(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new MalformedEventException("event without " + field);
        }
        return value;
    }
}
