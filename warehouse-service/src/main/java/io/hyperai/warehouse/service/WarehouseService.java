package io.hyperai.warehouse.service;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;

import jakarta.enterprise.context.ApplicationScoped;


import org.eclipse.microprofile.rest.client.inject.RestClient;

import io.hyperai.common.client.DependencyFailures;
import io.hyperai.common.client.ExecutionClient;
import io.hyperai.common.client.StorageReservations;
import io.hyperai.common.problem.ProblemException;
import io.hyperai.common.rest.StreamedBody;
import io.hyperai.common.rest.UploadGate;
import io.hyperai.contracts.storage.StorageApi.StorageAdmission;
import io.hyperai.warehouse.WarehouseItem;
import io.hyperai.warehouse.WarehouseVersion;
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

    private final ItemStore store;
    private final VersionFiles files;
    private final StorageReservations storage;
    private final ExecutionClient executions;

    public WarehouseService(ItemStore store, VersionFiles files, StorageReservations storage,
            @RestClient ExecutionClient executions) {
        this.store = store;
        this.files = files;
        this.storage = storage;
        this.executions = executions;
    }

    /**
     * The next version from a multipart body that is read here, while it arrives: only once the caller is admitted
     * (the item is theirs, storage is not blocked), and within what is left of their quota. Whatever fails, the rest
     * of the body is read and dropped so the problem reaches the client.
     */
    public Uni<WarehouseVersion> upload(String ownerId, WarehouseItem.Kind kind, String id, StreamedBody body,
            boolean unpack) {
        return admit(ownerId, kind, id, -1)
                .onFailure().call(body::dropped)
                .chain(admission -> VertxContextSupport.executeBlocking(
                        () -> files.stage(body, unpack, admission.freeBytes())))
                .chain(staged -> reserve(ownerId, staged)
                        .chain(reservation -> store.commitVersion(ownerId, kind, id, staged, reservation)
                                .onFailure().call(e -> storage.release(reservation)
                                        .chain(() -> deleteQuietly(staged.directory())))));
    }

    /**
     * The next version made of an ended execution's saved working directory, or of the directory {@code path} in it:
     * fetched from execution-service as an archive and staged like an upload, then committed with an event naming the
     * output, on which execution-service drops what moved (so the bytes count once: no reservation is taken). The
     * version is committed first; nothing is lost whatever fails.
     */
    public Uni<WarehouseVersion> promote(String ownerId, WarehouseItem.Kind kind, String id, String executionId,
            String path) {
        String dir = path == null || path.isBlank() ? null : path.strip();
        return store.get(ownerId, kind, id)
                .chain(item -> VertxContextSupport.executeBlocking(() -> fetch(ownerId, executionId, dir)))
                .chain(archive -> VertxContextSupport.executeBlocking(() -> {
                    try {
                        return files.stage(List.of(new UploadedPart("output.tar.gz", archive, Files.size(archive))),
                                true, Long.MAX_VALUE);
                    } finally {
                        Files.deleteIfExists(archive);
                    }
                }))
                .chain(staged -> store.commitVersion(ownerId, kind, id, staged, null, executionId, dir)
                        .onFailure().call(e -> deleteQuietly(staged.directory())));
    }

    private Path fetch(String ownerId, String executionId, String dir) throws IOException {
        Path archive = Files.createTempFile("promote-", ".tar.gz");
        try (InputStream in = executions.outputArchive(executionId, ownerId, dir)) {
            Files.copy(in, archive, StandardCopyOption.REPLACE_EXISTING);
            return archive;
        } catch (RuntimeException e) {
            Files.deleteIfExists(archive);
            int status = DependencyFailures.status(e);
            if (status == 404) {
                throw dir == null ? ProblemException.notFound("execution output", executionId)
                        : ProblemException.invalid("path", "not a directory in the saved working directory of "
                                + executionId + " (or no such output)");
            }
            if (status == 409) {
                throw ProblemException.conflict("output-in-use", "the working directory of " + executionId
                        + " is still being saved, or an execution that continues from it or binds it is queued or"
                        + " running");
            }
            if (DependencyFailures.isUnavailability(e)) {
                throw ProblemException.unavailable("execution-service", DependencyFailures.RETRY_AFTER);
            }
            throw e;
        } catch (IOException e) {
            Files.deleteIfExists(archive);
            throw e;
        }
    }

    /**
     * Whether the caller may upload to the item (it exists and is theirs, storage is not blocked) and whether an
     * upload of {@code bytes} (the request's declared length; -1 unknown) can fit what is left of the quota: asked
     * before the body is read ({@link io.hyperai.common.rest.UploadGate}) and again when it has been.
     */
    public Uni<StorageAdmission> admit(String ownerId, WarehouseItem.Kind kind, String id, long bytes) {
        return store.get(ownerId, kind, id).chain(item -> storage.admission(ownerId)).invoke(admission -> {
            if (admission.blocked()) {
                throw quotaExceeded(admission.reason() == null
                        ? "storage usage is over the quota; delete data to upload again" : admission.reason());
            }
            if (bytes > admission.freeBytes() + UploadGate.FRAMING_ALLOWANCE) {
                throw quotaExceeded("the upload's " + bytes + " bytes do not fit the " + Math.max(0,
                        admission.freeBytes()) + " bytes left of the storage quota");
            }
        });
    }

    private Uni<UUID> reserve(String ownerId, StagedUpload staged) {
        return storage.reserve(ownerId, staged.totalBytes())
                .onFailure().call(() -> deleteQuietly(staged.directory()));
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

    static ProblemException quotaExceeded(String detail) {
        return ProblemException.conflict(VersionFiles.QUOTA_EXCEEDED, detail);
    }
}
