package io.hyperai.warehouse.service;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import io.hyperai.contracts.storage.OwnedBytes;
import io.hyperai.contracts.warehouse.WarehouseApi;
import io.hyperai.warehouse.WarehouseFile;
import io.hyperai.warehouse.WarehouseItem;
import io.hyperai.warehouse.mapping.ItemPatch;
import io.hyperai.warehouse.mapping.ItemRequest;
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
    private final Visibility visibility;

    public ItemStore(WarehouseRepository repository, VersionFiles files, Outbox outbox, Visibility visibility) {
        this.repository = repository;
        this.files = files;
        this.outbox = outbox;
        this.visibility = visibility;
    }

    @WithTransaction
    public Uni<WarehouseItem> create(String ownerId, String ownerName, WarehouseItem.Kind kind, ItemRequest request) {
        WarehouseItem item = new WarehouseItem();
        item.id = UUID.randomUUID();
        item.ownerId = ownerId;
        item.ownerName = ownerName;
        item.kind = kind;
        item.name = request.name();
        item.description = request.description();
        item.tags = Visibility.tags(request.tags());
        item.visibility = Visibility.of(request.visibility(), WarehouseItem.Visibility.PRIVATE);
        item.createdAt = Instant.now();
        item.nextVersion = 1;
        return visibility.check(item).chain(() -> item.<WarehouseItem>persist()).call(Panache::flush)
                .onFailure(Visibility::handleTaken).transform(e -> Visibility.taken(item));
    }

    /** Description, tags and visibility; a version never changes. */
    @WithTransaction
    public Uni<WarehouseItem> change(String ownerId, String ownerName, WarehouseItem.Kind kind, String id,
            ItemPatch patch) {
        return repository.owned(ownerId, kind, id, true).chain(item -> {
            item.ownerName = ownerName;
            if (patch.description() != null) {
                item.description = patch.description();
            }
            if (patch.tags() != null) {
                item.tags = Visibility.tags(patch.tags());
            }
            item.visibility = Visibility.of(patch.visibility(), item.visibility);
            return visibility.check(item).call(Panache::flush).replaceWith(item);
        }).onFailure(Visibility::handleTaken).transform(e -> Visibility.taken(null));
    }

    /** Every version these users own, as storage-service counts it ({@code <itemId>/v<n>}, its bytes). */
    @WithSession
    public Uni<OwnedBytes.StoredObjects> stored(List<String> ownerIds) {
        if (ownerIds.isEmpty()) {
            return Uni.createFrom().item(new OwnedBytes.StoredObjects(List.of()));
        }
        return WarehouseItem.<WarehouseItem>list("ownerId in ?1", ownerIds).chain(items -> {
            Map<UUID, WarehouseItem.Kind> kinds = new HashMap<>();
            items.forEach(i -> kinds.put(i.id, i.kind));
            return WarehouseVersion.<WarehouseVersion>list("ownerId in ?1", ownerIds).map(versions ->
                    new OwnedBytes.StoredObjects(versions.stream().filter(v -> kinds.containsKey(v.itemId))
                            .map(v -> new OwnedBytes.StoredObject(kinds.get(v.itemId).name(),
                                    v.itemId + "/v" + v.version, v.ownerId, v.totalBytes, v.createdAt))
                            .toList()));
        });
    }

    /** Owner only: for changes. */
    @WithSession
    public Uni<WarehouseItem> get(String ownerId, WarehouseItem.Kind kind, String id) {
        return repository.owned(ownerId, kind, id, false);
    }

    /** The caller's own, or anyone's public item: for reading. */
    @WithSession
    public Uni<WarehouseItem> read(String callerId, WarehouseItem.Kind kind, String id) {
        return repository.readable(callerId, kind, id);
    }

    @WithSession
    public Uni<Page<PublicItem>> publicItems(WarehouseItem.Kind kind, String q, String tag, String sort,
            PageRequest page) {
        return repository.publicItems(kind, q, tag, sort, page).chain(this::withLatest);
    }

    @WithSession
    public Uni<PublicItem> byHandle(WarehouseItem.Kind kind, String owner, String name) {
        return repository.byHandle(kind, owner, name)
                .chain(item -> withLatest(new Page<>(List.of(item), 0, 1, 1)))
                .map(p -> p.items().get(0));
    }

    /** A public item with its number of versions and its newest version's size. */
    public record PublicItem(WarehouseItem item, int versions, Integer latestVersion, Long latestBytes) {
    }

    private Uni<Page<PublicItem>> withLatest(Page<WarehouseItem> items) {
        List<UUID> ids = items.items().stream().map(i -> i.id).toList();
        if (ids.isEmpty()) {
            return Uni.createFrom().item(items.map(i -> new PublicItem(i, 0, null, null)));
        }
        return WarehouseVersion.<WarehouseVersion>list("itemId in ?1", ids).map(versions -> items.map(item -> {
            List<WarehouseVersion> own = versions.stream().filter(v -> v.itemId.equals(item.id)).toList();
            WarehouseVersion latest = own.stream().max(java.util.Comparator.comparingInt(v -> v.version)).orElse(null);
            return new PublicItem(item, own.size(), latest == null ? null : latest.version,
                    latest == null ? null : latest.totalBytes);
        }));
    }

    @WithSession
    public Uni<Page<WarehouseItem>> list(String ownerId, WarehouseItem.Kind kind, PageRequest page) {
        return repository.items(ownerId, kind, page);
    }

    @WithSession
    public Uni<Page<WarehouseVersion>> versions(String callerId, WarehouseItem.Kind kind, String id, PageRequest page) {
        return repository.readable(callerId, kind, id).chain(item -> repository.versions(item.id, page));
    }

    @WithSession
    public Uni<VersionDetail> version(String callerId, WarehouseItem.Kind kind, String id, String n) {
        return repository.readable(callerId, kind, id)
                .chain(item -> repository.version(item, n))
                .chain(v -> repository.files(v.itemId, v.version).map(f -> VersionViews.detail(kind, v, f)));
    }

    @WithSession
    public Uni<FileLocation> file(String callerId, WarehouseItem.Kind kind, String id, String n, String path) {
        return repository.readable(callerId, kind, id)
                .chain(item -> repository.version(item, n))
                .chain(v -> repository.file(v.itemId, v.version, path)
                        .onItem().ifNull().failWith(() -> ProblemException.notFound("file", path))
                        .map(f -> new FileLocation(f, v.storagePath)));
    }

    /** For other services: any owner's version, with its item. */
    @WithSession
    public Uni<WarehouseApi.Version> anyVersion(WarehouseItem.Kind kind, String id, String n) {
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
                .chain(item -> repository.version(item, n).map(v -> VersionViews.internal(item, v)));
    }

    /** For other services: a public item's version by the item's handle. */
    @WithSession
    public Uni<WarehouseApi.Version> publicVersion(WarehouseItem.Kind kind, String owner, String name, String n) {
        return repository.byHandle(kind, owner, name)
                .chain(item -> repository.version(item, n).map(v -> VersionViews.internal(item, v)));
    }

    /**
     * Makes a staged upload the item's next version: with the item's row locked, takes the next number,
     * renames the staging directory into place, records the version, its files and
     * {@code warehouse.version.created} (which settles {@code reservationId}). When recording fails the
     * directory is removed again before the lock is given up.
     */
    public Uni<WarehouseVersion> commitVersion(String ownerId, WarehouseItem.Kind kind, String id, StagedUpload staged,
            UUID reservationId) {
        return commitVersion(ownerId, kind, id, staged, reservationId, null, null);
    }

    /** The same for a version promoted from a saved working directory, which its event names. */
    @WithTransaction
    public Uni<WarehouseVersion> commitVersion(String ownerId, WarehouseItem.Kind kind, String id, StagedUpload staged,
            UUID reservationId, String fromExecutionOutput, String outputPath) {
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
                                    staged.totalBytes(), reservationId == null ? null : reservationId.toString(),
                                    fromExecutionOutput, outputPath)))
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
