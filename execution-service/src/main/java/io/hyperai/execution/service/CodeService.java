package io.hyperai.execution.service;

import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Executors;

import jakarta.enterprise.context.ApplicationScoped;


import io.hyperai.common.client.StorageReservations;
import io.hyperai.common.events.EventType;
import io.hyperai.common.events.payload.StoredBytes;
import io.hyperai.common.files.StagedUpload;
import io.hyperai.common.files.UploadStager;
import io.hyperai.common.outbox.Outbox;
import io.hyperai.common.problem.ProblemException;
import io.hyperai.common.rest.StreamedBody;
import io.hyperai.common.rest.UploadGate;
import io.hyperai.contracts.storage.StorageApi.StorageAdmission;
import io.hyperai.execution.CodeUpload;
import io.hyperai.execution.config.ExecutionConfig;
import io.hyperai.execution.mapping.CodeView;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;

/**
 * Code uploads: files or one archive, staged and checked like warehouse versions (the same
 * {@link UploadStager}), kept under the code root, counted against storage through
 * {@code execution.code.uploaded}.
 */
@ApplicationScoped
public class CodeService {

    private final UploadStager stager;
    private final StorageReservations storage;
    private final Outbox outbox;

    public CodeService(ExecutionConfig config, StorageReservations storage, Outbox outbox) {
        this.stager = new UploadStager(Path.of(config.codeRoot()), 10_000);
        this.storage = storage;
        this.outbox = outbox;
    }

    /**
     * Staged within what is left of the quota, then reserved with storage-service for its exact size (so parallel
     * uploads cannot pass the quota together), then recorded with {@code execution.code.uploaded}, which settles the
     * reservation; any failure after staging releases the reservation and deletes the files. The multipart body is
     * read here, while it arrives ({@link UploadStager#stage(StreamedBody, boolean, long)}), only once the caller is
     * admitted; whatever fails, the rest of it is read and dropped so the problem reaches the client.
     */
    public Uni<CodeUpload> upload(String ownerId, StreamedBody body, boolean unpack) {
        String id = UUID.randomUUID().toString();
        return admit(ownerId, -1)
                .onFailure().call(body::dropped)
                .chain(admission -> VertxContextSupport.executeBlocking(() -> {
                    StagedUpload staged = stager.stage(body, unpack, Math.max(0, admission.freeBytes()));
                    try {
                        stager.publish(staged.directory(), stager.root().resolve(id));
                    } catch (RuntimeException e) {
                        stager.deleteQuietly(staged.directory());
                        throw e;
                    }
                    return staged;
                }))
                .chain(staged -> storage.reserve(ownerId, staged.totalBytes())
                        .onFailure().call(() -> deleteFiles(id))
                        .chain(reservation -> record(ownerId, id, staged, reservation)
                                .onFailure().call(() -> storage.release(reservation).chain(() -> deleteFiles(id)))));
    }

    /**
     * Whether the caller may upload code (storage is not blocked) and an upload of {@code bytes} (the request's
     * declared length; -1 unknown) can fit what is left of the quota: asked before the body is read
     * ({@link io.hyperai.common.rest.UploadGate}) and again when it has been.
     */
    public Uni<StorageAdmission> admit(String ownerId, long bytes) {
        return storage.admission(ownerId).invoke(admission -> {
            if (admission.blocked()) {
                throw ProblemException.forbidden("storage-blocked",
                        "storage usage is over the quota; delete data before uploading code");
            }
            if (bytes > admission.freeBytes() + UploadGate.FRAMING_ALLOWANCE) {
                throw ProblemException.conflict(UploadStager.QUOTA_EXCEEDED, "the upload's " + bytes
                        + " bytes do not fit the " + Math.max(0, admission.freeBytes())
                        + " bytes left of the storage quota");
            }
        });
    }

    private Uni<CodeUpload> record(String ownerId, String id, StagedUpload staged, UUID reservation) {
        CodeUpload code = new CodeUpload();
        code.id = UUID.fromString(id);
        code.ownerId = ownerId;
        code.totalBytes = staged.totalBytes();
        code.files = CodeView.filesJson(staged.files());
        code.createdAt = Instant.now();
        return Panache.withTransaction(() -> code.<CodeUpload>persist()
                .call(c -> outbox.append(EventType.CODE_UPLOADED, id, new StoredBytes(id, ownerId,
                        staged.totalBytes(), reservation == null ? null : reservation.toString()))));
    }

    @WithSession
    public Uni<CodeUpload> find(String ownerId, String id) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().failure(ProblemException.notFound("code", id));
        }
        return CodeUpload.<CodeUpload>findById(uuid).map(c -> {
            if (c == null || !c.ownerId.equals(ownerId)) {
                throw ProblemException.notFound("code", id);
            }
            return c;
        });
    }

    /** Deletes the upload and its files; its bytes stop counting. Executions that used it keep their copy. */
    public Uni<Void> delete(String ownerId, String id) {
        return find(ownerId, id).chain(c -> Panache.withTransaction(() -> CodeUpload.deleteById(c.id)
                .call(() -> outbox.append(EventType.CODE_DELETED, c.id.toString(),
                        new StoredBytes(c.id.toString(), ownerId, c.totalBytes))))
                // the canonical id: the directory is named by it, whatever case the caller wrote
                .chain(() -> deleteFiles(c.id.toString())));
    }

    private Uni<Void> deleteFiles(String id) {
        return VertxContextSupport.executeBlocking(Executors.callable(() -> stager.deleteQuietly(stager.root().resolve(id))))
                .replaceWithVoid();
    }
}
