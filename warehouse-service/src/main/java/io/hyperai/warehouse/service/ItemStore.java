package io.hyperai.warehouse.service;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;

import jakarta.enterprise.context.ApplicationScoped;

import io.hyperai.common.events.EventType;
import io.hyperai.common.events.payload.WarehouseItemDeleted;
import io.hyperai.common.events.payload.WarehouseVersionCreated;
import io.hyperai.common.events.payload.WarehouseVersionDeleted;
import io.hyperai.common.files.StagedUpload;
import io.hyperai.common.outbox.Outbox;
import io.hyperai.common.paging.Page;
import io.hyperai.common.paging.PageRequest;
import io.hyperai.common.problem.ProblemException;
import io.hyperai.warehouse.WarehouseFile;
import io.hyperai.warehouse.WarehouseItem;
import io.hyperai.warehouse.WarehouseVersion;
import io.hyperai.warehouse.files.VersionFiles;
import io.hyperai.warehouse.mapping.VersionViews.VersionDetail;
import io.hyperai.warehouse.mapping.VersionViews;
import io.hyperai.warehouse.repository.WarehouseRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;

/**
 * The warehouse's state in PostgreSQL: items, versions, files, and the events that describe their
 * changes (outbox, same transaction). Files on disk are {@link WarehouseService}'s business, except the
 * rename that makes a staged upload a version, which happens under the item's lock.
 */
@ApplicationScoped
public class ItemStore {

    /** What a deletion committed: the directories (relative to the storage root) that can now go. */
    public record Deleted(List<String> storagePaths) {
    }

    public record FileLocation(WarehouseFile file, String storagePath) {
    }

    private final WarehouseRepository repository;
    private final VersionFiles files;
    private final Outbox outbox;

    public ItemStore(WarehouseRepository repository, VersionFiles files, Outbox outbox) {
        this.repository = repository;
        this.files = files;
        this.outbox = outbox;
    }

    @WithTransaction
    public Uni<WarehouseItem> create(String ownerId, WarehouseItem.Kind kind, String name, String description) {
        WarehouseItem item = new WarehouseItem();
        item.id = UUID.randomUUID();
        item.ownerId = ownerId;
        item.kind = kind;
        item.name = name;
        item.description = description;
        item.createdAt = Instant.now();
        item.nextVersion = 1;
        return item.persist();
    }

    @WithSession
    public Uni<WarehouseItem> get(String ownerId, WarehouseItem.Kind kind, String id) {
        return repository.owned(ownerId, kind, id, false);
    }

    @WithSession
    public Uni<Page<WarehouseItem>> list(String ownerId, WarehouseItem.Kind kind, PageRequest page) {
        return repository.items(ownerId, kind, page);
    }

    @WithSession
    public Uni<Page<WarehouseVersion>> versions(String ownerId, WarehouseItem.Kind kind, String id, PageRequest page) {
        return repository.owned(ownerId, kind, id, false).chain(item -> repository.versions(item.id, page));
    }

    @WithSession
    public Uni<VersionDetail> version(String ownerId, WarehouseItem.Kind kind, String id, String n) {
        return repository.owned(ownerId, kind, id, false)
                .chain(item -> repository.version(item, n))
                .chain(v -> repository.files(v.itemId, v.version).map(f -> VersionViews.detail(kind, v, f)));
    }

    @WithSession
    public Uni<FileLocation> file(String ownerId, WarehouseItem.Kind kind, String id, String n, String path) {
        return repository.owned(ownerId, kind, id, false)
                .chain(item -> repository.version(item, n))
                .chain(v -> repository.file(v.itemId, v.version, path)
                        .onItem().ifNull().failWith(() -> ProblemException.notFound("file", path))
                        .map(f -> new FileLocation(f, v.storagePath)));
    }

    /** For other services: any owner's version. */
    @WithSession
    public Uni<WarehouseVersion> anyVersion(WarehouseItem.Kind kind, String id, String n) {
        UUID uuid = WarehouseRepository.uuid(id);
        if (uuid == null) {
            return Uni.createFrom().failure(ProblemException.notFound(kind.label(), id));
        }
        return WarehouseItem.<WarehouseItem>findById(uuid)
                .onItem().ifNull().failWith(() -> ProblemException.notFound(kind.label(), id))
                .invoke(item -> {
                    if (item.kind != kind) {
                        throw ProblemException.notFound(kind.label(), id);
                    }
                })
                .chain(item -> repository.version(item, n));
    }

    /**
     * Makes a staged upload the item's next version: with the item's row locked, takes the next number,
     * renames the staging directory into place, records the version, its files and
     * {@code warehouse.version.created} (which settles {@code reservationId}). When recording fails the
     * directory is removed again before the lock is given up.
     */
    @WithTransaction
    public Uni<WarehouseVersion> commitVersion(String ownerId, WarehouseItem.Kind kind, String id, StagedUpload staged,
            UUID reservationId) {
        return repository.owned(ownerId, kind, id, true).chain(item -> {
            int n = item.nextVersion;
            item.nextVersion = n + 1;
            String storagePath = kind.collection() + "/" + item.id + "/v" + n;
            Path target = files.resolve(storagePath);
            WarehouseVersion version = new WarehouseVersion();
            version.itemId = item.id;
            version.version = n;
            version.ownerId = ownerId;
            version.totalBytes = staged.totalBytes();
            version.fileCount = staged.files().size();
            version.storagePath = storagePath;
            version.reservationId = reservationId;
            version.createdAt = Instant.now();
            List<Object> rows = new ArrayList<>(staged.files().size() + 1);
            rows.add(version);
            for (StagedUpload.StagedFile f : staged.files()) {
                WarehouseFile file = new WarehouseFile();
                file.itemId = item.id;
                file.version = n;
                file.path = f.path();
                file.sizeBytes = f.sizeBytes();
                file.sha256 = f.sha256();
                rows.add(file);
            }
            return VertxContextSupport.executeBlocking(Executors.callable(() -> files.publish(staged.directory(), target)))
                    .chain(() -> Panache.getSession().chain(s -> s.persistAll(rows.toArray())))
                    .chain(() -> outbox.append(EventType.WAREHOUSE_VERSION_CREATED, item.id.toString(),
                            new WarehouseVersionCreated(item.id.toString(), kind.label(), n, ownerId,
                                    staged.totalBytes(), reservationId == null ? null : reservationId.toString())))
                    .chain(() -> Panache.flush())
                    .replaceWith(version)
                    .onFailure().call(() -> VertxContextSupport.executeBlocking(Executors.callable(() -> files.deleteQuietly(target))));
        });
    }

    @WithTransaction
    public Uni<Deleted> deleteVersion(String ownerId, WarehouseItem.Kind kind, String id, String n) {
        return repository.owned(ownerId, kind, id, true)
                .chain(item -> repository.version(item, n))
                .chain(v -> repository.deleteVersion(v.itemId, v.version)
                        .chain(() -> outbox.append(EventType.WAREHOUSE_VERSION_DELETED, v.itemId.toString(),
                                new WarehouseVersionDeleted(v.itemId.toString(), kind.label(), v.version, v.ownerId,
                                        v.totalBytes)))
                        .replaceWith(new Deleted(List.of(v.storagePath))));
    }

    /** Deletes an item with its versions: one {@code version.deleted} per version, then {@code item.deleted}. */
    @WithTransaction
    public Uni<Deleted> deleteItem(String ownerId, WarehouseItem.Kind kind, String id) {
        return repository.owned(ownerId, kind, id, true)
                .chain(item -> repository.allVersions(item.id).chain(versions -> {
                    Uni<Void> events = Uni.createFrom().voidItem();
                    List<String> paths = new ArrayList<>();
                    for (WarehouseVersion v : versions) {
                        paths.add(v.storagePath);
                        events = events.chain(() -> outbox.append(EventType.WAREHOUSE_VERSION_DELETED,
                                item.id.toString(), new WarehouseVersionDeleted(item.id.toString(), kind.label(),
                                        v.version, v.ownerId, v.totalBytes)).replaceWithVoid());
                    }
                    paths.add(kind.collection() + "/" + item.id);
                    return events
                            .chain(() -> outbox.append(EventType.WAREHOUSE_ITEM_DELETED, item.id.toString(),
                                    new WarehouseItemDeleted(item.id.toString(), kind.label(), ownerId)))
                            .chain(() -> repository.deleteItem(item.id))
                            .replaceWith(new Deleted(paths));
                }));
    }
}
