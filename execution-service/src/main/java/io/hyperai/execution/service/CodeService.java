package io.hyperai.execution.service;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.rest.client.inject.RestClient;

import io.hyperai.common.client.DependencyFailures;
import io.hyperai.common.client.StorageClient;
import io.hyperai.common.events.EventType;
import io.hyperai.common.events.payload.StoredBytes;
import io.hyperai.common.files.StagedUpload;
import io.hyperai.common.files.UploadStager;
import io.hyperai.common.files.UploadedPart;
import io.hyperai.common.outbox.Outbox;
import io.hyperai.common.problem.ProblemException;
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
    private final StorageClient storage;
    private final Outbox outbox;

    public CodeService(ExecutionConfig config, @RestClient StorageClient storage, Outbox outbox) {
        this.stager = new UploadStager(Path.of(config.codeRoot()), 10_000);
        this.storage = storage;
        this.outbox = outbox;
    }

    public Uni<CodeUpload> upload(String ownerId, List<UploadedPart> parts, boolean unpack) {
        return DependencyFailures.guard("storage-service", storage.admission(ownerId)).chain(admission -> {
            if (admission.blocked()) {
                return Uni.createFrom().failure(ProblemException.forbidden("storage-blocked",
                        "storage usage is over the quota; delete data before uploading code"));
            }
            long room = Math.max(0, admission.quotaBytes() - admission.usedBytes());
            UUID id = UUID.randomUUID();
            return VertxContextSupport.executeBlocking(() -> {
                StagedUpload staged = stager.stage(parts, unpack, room);
                try {
                    stager.publish(staged.directory(), stager.root().resolve(id.toString()));
                } catch (RuntimeException e) {
                    stager.deleteQuietly(staged.directory());
                    throw e;
                }
                return staged;
            }).chain(staged -> {
                CodeUpload code = new CodeUpload();
                code.id = id;
                code.ownerId = ownerId;
                code.totalBytes = staged.totalBytes();
                code.files = CodeView.filesJson(staged.files());
                code.createdAt = Instant.now();
                return Panache.withTransaction(() -> code.<CodeUpload>persist()
                        .call(c -> outbox.append(EventType.CODE_UPLOADED, id.toString(),
                                new StoredBytes(id.toString(), ownerId, staged.totalBytes()))))
                        .onFailure().call(() -> deleteFiles(id.toString()));
            });
        });
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
                        new StoredBytes(c.id.toString(), ownerId, c.totalBytes)))))
                .chain(() -> deleteFiles(id));
    }

    private Uni<Void> deleteFiles(String id) {
        return VertxContextSupport.executeBlocking(Executors.callable(() -> stager.deleteQuietly(stager.root().resolve(id))))
                .replaceWithVoid();
    }
}
