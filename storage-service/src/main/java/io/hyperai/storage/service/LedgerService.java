package io.hyperai.storage.service;

import java.util.Locale;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.hyperai.common.events.MalformedEventException;
import io.hyperai.common.events.payload.StoredBytes;
import io.hyperai.common.events.payload.WarehouseItemDeleted;
import io.hyperai.common.events.payload.WarehouseVersionCreated;
import io.hyperai.common.events.payload.WarehouseVersionDeleted;
import io.hyperai.storage.StorageUsage;
import io.hyperai.storage.repository.AccountRepository;
import io.smallrye.mutiny.Uni;

/**
 * The usage ledger: what other services report keeping or dropping for a user. Each method runs in the
 * transaction of the consumer that claimed the event, with the user's account row locked.
 */
@ApplicationScoped
public class LedgerService {

    private final AccountRepository accounts;
    private final StorageService storage;

    public LedgerService(AccountRepository accounts, StorageService storage) {
        this.accounts = accounts;
        this.storage = storage;
    }

    /** A new warehouse version: its bytes count from now on, and its reservation is settled. */
    public Uni<Void> versionCreated(WarehouseVersionCreated v) {
        StorageUsage.Kind kind = warehouseKind(v.kind());
        return accounts.lock(required(v.ownerId(), "ownerId"))
                .call(() -> settle(v.reservationId()))
                .call(() -> accounts.putObject(v.ownerId(), kind, versionObject(v.itemId(), v.version()),
                        Math.max(0, v.bytes())))
                .chain(storage::reconcile);
    }

    public Uni<Void> versionDeleted(WarehouseVersionDeleted v) {
        StorageUsage.Kind kind = warehouseKind(v.kind());
        return accounts.lock(required(v.ownerId(), "ownerId"))
                .call(() -> accounts.removeObjects(kind, versionObject(v.itemId(), v.version()), false))
                .chain(storage::reconcile);
    }

    /** Versions still recorded for a deleted item (their own events normally came first) go with it. */
    public Uni<Void> itemDeleted(WarehouseItemDeleted item) {
        StorageUsage.Kind kind = warehouseKind(item.kind());
        return accounts.lock(required(item.ownerId(), "ownerId"))
                .call(() -> accounts.removeObjects(kind, required(item.itemId(), "itemId"), true))
                .chain(storage::reconcile);
    }

    /** Bytes kept from now on; an upload's reservation is settled with them. */
    public Uni<Void> stored(StorageUsage.Kind kind, StoredBytes s) {
        return accounts.lock(required(s.ownerId(), "ownerId"))
                .call(() -> settle(s.reservationId()))
                .call(() -> accounts.putObject(s.ownerId(), kind, required(s.objectId(), "objectId"),
                        Math.max(0, s.bytes())))
                .chain(storage::reconcile);
    }

    public Uni<Void> removed(StorageUsage.Kind kind, StoredBytes s) {
        return accounts.lock(required(s.ownerId(), "ownerId"))
                .call(() -> accounts.removeObjects(kind, required(s.objectId(), "objectId"), false))
                .chain(storage::reconcile);
    }

    private Uni<Boolean> settle(String reservationId) {
        if (reservationId == null || reservationId.isBlank()) {
            return Uni.createFrom().item(false);
        }
        UUID id;
        try {
            id = UUID.fromString(reservationId);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().item(false);
        }
        return accounts.deleteReservation(id);
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
