package io.hyperai.warehouse.service;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import io.hyperai.common.client.DependencyFailures;
import io.hyperai.common.client.RefusedByDependency;
import io.hyperai.common.client.StorageClient;
import io.hyperai.common.problem.ProblemException;
import io.hyperai.contracts.storage.StorageApi.ReservationRequest;
import io.hyperai.warehouse.WarehouseItem;
import io.hyperai.warehouse.WarehouseVersion;
import io.hyperai.common.files.EntryPaths;
import io.hyperai.common.files.StagedUpload;
import io.hyperai.common.files.UploadedPart;
import io.hyperai.warehouse.files.VersionFiles;
import io.hyperai.warehouse.service.ItemStore.Deleted;
import io.hyperai.warehouse.service.ItemStore.FileLocation;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;

/**
 * Uploads, downloads and deletions: the work that spans the database, the files on disk and
 * storage-service. An upload is admitted (is the user blocked? how many bytes are left?), staged on a
 * worker thread within what is left, reserved with storage-service for its exact size, and committed
 * as the item's next version; any failure after staging releases the reservation and deletes the files.
 */
@ApplicationScoped
public class WarehouseService {

    public static final String STORAGE = "storage-service";
    private static final Logger LOG = Logger.getLogger(WarehouseService.class);

    private final ItemStore store;
    private final VersionFiles files;
    private final StorageClient storage;

    public WarehouseService(ItemStore store, VersionFiles files, @RestClient StorageClient storage) {
        this.store = store;
        this.files = files;
        this.storage = storage;
    }

    public Uni<WarehouseVersion> upload(String ownerId, WarehouseItem.Kind kind, String id, List<UploadedPart> parts,
            boolean unpack) {
        if (parts == null || parts.isEmpty()) {
            return Uni.createFrom().failure(ProblemException.invalid(EntryPaths.FIELD, "at least one file is required"));
        }
        return store.get(ownerId, kind, id)
                .chain(item -> storage(storage.admission(ownerId)))
                .chain(admission -> {
                    if (admission.blocked()) {
                        return Uni.createFrom().failure(quotaExceeded(admission.reason() == null
                                ? "storage usage is over the quota; delete data to upload again"
                                : admission.reason()));
                    }
                    return VertxContextSupport.executeBlocking(() -> files.stage(parts, unpack, admission.freeBytes()));
                })
                .chain(staged -> reserve(ownerId, staged)
                        .chain(reservation -> store.commitVersion(ownerId, kind, id, staged, reservation)
                                .onFailure().call(e -> release(reservation)
                                        .chain(() -> deleteQuietly(staged.directory())))));
    }

    private Uni<UUID> reserve(String ownerId, StagedUpload staged) {
        return storage(storage.reserve(new ReservationRequest(ownerId, staged.totalBytes())))
                .map(r -> UUID.fromString(r.getEntity().id()))
                .onFailure().call(() -> deleteQuietly(staged.directory()));
    }

    /** Gives a reservation back; when storage cannot be told, the reservation expires on its own. */
    private Uni<Void> release(UUID reservation) {
        return storage(storage.release(reservation.toString()))
                .onFailure().recoverWithUni(e -> {
                    LOG.warnf("reservation %s not released (it expires by itself): %s", reservation, e.getMessage());
                    return Uni.createFrom().voidItem();
                });
    }

    /** The file to stream; its path comes from the version's own records and stays inside its directory. */
    public Uni<Download> download(String ownerId, WarehouseItem.Kind kind, String id, String n, String path) {
        return store.file(ownerId, kind, id, n, path).map(location -> toDownload(location, path));
    }

    public record Download(Path file, String name, long size, String sha256) {
    }

    private Download toDownload(FileLocation location, String path) {
        Path file = files.fileOf(location.storagePath(), location.file().path);
        if (file == null) {
            throw ProblemException.notFound("file", path);
        }
        return new Download(file, file.getFileName().toString(), location.file().sizeBytes, location.file().sha256);
    }

    public Uni<Void> deleteVersion(String ownerId, WarehouseItem.Kind kind, String id, String n) {
        return store.deleteVersion(ownerId, kind, id, n).chain(this::removeFiles);
    }

    public Uni<Void> deleteItem(String ownerId, WarehouseItem.Kind kind, String id) {
        return store.deleteItem(ownerId, kind, id).chain(this::removeFiles);
    }

    /** After the commit: the rows and events are there, a directory left behind is only garbage. */
    private Uni<Void> removeFiles(Deleted deleted) {
        return VertxContextSupport.executeBlocking(Executors.callable(
                () -> deleted.storagePaths().forEach(p -> files.deleteQuietly(files.resolve(p))))).replaceWithVoid();
    }

    private Uni<Void> deleteQuietly(Path directory) {
        return VertxContextSupport.executeBlocking(Executors.callable(() -> files.deleteQuietly(directory)))
                .replaceWithVoid();
    }

    /**
     * A call to storage-service: unavailable (down, slow, open circuit, 5xx) is a 503 with Retry-After;
     * a refused reservation (409) is the quota problem; any other answer is storage misbehaving, also a 503.
     */
    private <T> Uni<T> storage(Uni<T> call) {
        return DependencyFailures.guard(STORAGE, call.onFailure(e -> !overQuota(e))
                .invoke(e -> LOG.warnf("storage-service call failed: %s", e.toString())))
                .onFailure(WarehouseService::overQuota).transform(e -> quotaExceeded(
                        "the upload would exceed the storage quota; delete data or ask for a larger quota"))
                .onFailure(e -> !(e instanceof ProblemException)).transform(e -> ProblemException.unavailable(STORAGE, DependencyFailures.RETRY_AFTER));
    }

    private static boolean overQuota(Throwable failure) {
        return failure instanceof RefusedByDependency refused && refused.isConflict();
    }

    static ProblemException quotaExceeded(String detail) {
        return ProblemException.conflict(VersionFiles.QUOTA_EXCEEDED, detail);
    }
}
