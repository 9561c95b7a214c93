package io.hyperai.execution.rest;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;

import io.hyperai.common.problem.ProblemException;
import io.hyperai.common.security.CurrentUser;
import io.hyperai.contracts.execution.ExecutionApi;
import io.hyperai.contracts.storage.OwnedBytes.ObjectsRequest;
import io.hyperai.contracts.storage.OwnedBytes.StoredObject;
import io.hyperai.contracts.storage.OwnedBytes.StoredObjects;
import io.hyperai.execution.CodeUpload;
import io.hyperai.execution.Execution;
import io.hyperai.execution.service.ExecutionService;
import io.hyperai.execution.service.OutputService;
import io.quarkus.vertx.VertxContextSupport;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;

/**
 * For gear-service: an ended execution's saved working directory, to bind as an input or home. For billing-service:
 * which executions have ended. For storage-service: the bytes some users keep here. For warehouse-service: a saved
 * directory to promote.
 */
@RolesAllowed(CurrentUser.ROLE_SERVICE)
public class InternalExecutionResource implements ExecutionApi {

    private final OutputService outputs;

    public InternalExecutionResource(OutputService outputs) {
        this.outputs = outputs;
    }

    /**
     * Blocking (a worker thread): the archive is written to a temporary file, which goes when the response has been
     * read. The access checks run first, on a Vert.x context.
     */
    @Override
    public InputStream outputArchive(String id, String owner, String path) {
        if (owner == null || owner.isBlank()) {
            throw ProblemException.invalid("owner", "the user who promotes the output is required");
        }
        Path dir;
        try {
            dir = VertxContextSupport.subscribeAndAwait(() -> outputs.promotable(owner, id, path));
        } catch (Throwable e) {
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
        try {
            Path archive = Files.createTempFile("promote-", ".tar.gz");
            try (OutputStream out = Files.newOutputStream(archive)) {
                OutputService.writeArchive(dir, out);
            }
            return new FilterInputStream(Files.newInputStream(archive)) {
                @Override
                public void close() throws IOException {
                    super.close();
                    Files.deleteIfExists(archive);
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException("cannot archive the output " + id, e);
        }
    }

    @Override
    @WithSession
    public Uni<Output> output(String id) {
        return Execution.<Execution>findById(ExecutionService.parse(id)).map(e -> {
            if (e == null || !e.state.isTerminal() || e.startedAt == null || e.workdirDeletedAt != null) {
                throw ProblemException.notFound("execution output", id);
            }
            return new Output(e.id.toString(), e.ownerId, e.gearId, e.state.name(), e.id.toString(), e.workdirBytes);
        });
    }

    @Override
    @WithSession
    public Uni<StoredObjects> stored(ObjectsRequest query) {
        List<String> owners = query.ownerIds();
        if (owners.isEmpty()) {
            return Uni.createFrom().item(new StoredObjects(List.of()));
        }
        return CodeUpload.<CodeUpload>list("ownerId in ?1", owners).chain(codes -> Execution.<Execution>list(
                "ownerId in ?1 and workdirBytes is not null and workdirDeletedAt is null", owners).map(outputs -> {
                    List<StoredObject> all = new ArrayList<>();
                    codes.forEach(c -> all.add(new StoredObject("CODE", c.id.toString(), c.ownerId, c.totalBytes,
                            c.createdAt)));
                    outputs.forEach(e -> all.add(new StoredObject("WORKING_DIRECTORY", e.id.toString(), e.ownerId,
                            e.workdirBytes, e.endedAt)));
                    return new StoredObjects(all);
                }));
    }

    @Override
    @WithSession
    public Uni<EndedExecutions> ended(EndedRequest query) {
        List<UUID> ids = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (String id : new LinkedHashSet<>(query.executionIds())) {
            try {
                ids.add(UUID.fromString(id));
            } catch (IllegalArgumentException notAnId) {
                unknown.add(id);
            }
        }
        return Execution.<Execution>list("id in ?1", ids).map(found -> {
            Set<UUID> known = new HashSet<>();
            List<Ended> ended = new ArrayList<>();
            for (Execution e : found) {
                known.add(e.id);
                if (e.state.isTerminal() && e.endedAt != null) {
                    ended.add(new Ended(e.id.toString(), e.gearId, e.ownerId, e.state.name(), e.startedAt, e.endedAt,
                            e.exitCode, e.reason));
                }
            }
            ids.stream().filter(id -> !known.contains(id)).forEach(id -> unknown.add(id.toString()));
            return new EndedExecutions(ended, unknown);
        });
    }
}
