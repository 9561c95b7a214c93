package io.hyperai.execution.service;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.hyperai.common.events.EventType;
import io.hyperai.common.events.payload.StoredBytes;
import io.hyperai.common.outbox.Outbox;
import io.hyperai.execution.Execution;
import io.hyperai.execution.ExecutionState;
import io.hyperai.execution.config.ExecutionConfig;
import io.hyperai.execution.runtime.Dirs;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * When an execution has ended, its saved working directory counts against its owner's storage:
 * once the runtime says the save is complete, measure it once and announce it ({@code execution.output.saved})
 * with the measurement.
 */
@ApplicationScoped
public class WorkdirService {

    private final ExecutionConfig config;
    private final Outbox outbox;
    private final RuntimeCalls saves;

    public WorkdirService(ExecutionConfig config, Outbox outbox, RuntimeCalls saves) {
        this.config = config;
        this.outbox = outbox;
        this.saves = saves;
    }

    /** Measures every ended execution whose save is complete (and has had time to settle, for the local runtime). */
    public Uni<Integer> measureEnded() {
        Instant settled = Instant.now().minus(config.workdirSettle());
        return Panache.withSession(() -> Execution.<Execution>list(
                "workdirBytes is null and startedAt is not null and state in ?1 and endedAt < ?2",
                List.of(ExecutionState.SUCCEEDED, ExecutionState.FAILED, ExecutionState.STOPPED), settled))
                .chain(ended -> {
                    Uni<Integer> chain = Uni.createFrom().item(0);
                    for (Execution e : ended) {
                        chain = chain.chain(n -> record(e.id).map(x -> n + 1));
                    }
                    return chain;
                });
    }

    private Uni<Void> record(UUID id) {
        return saves.saved(id.toString()).chain(done -> done ? measure(id) : Uni.createFrom().voidItem());
    }

    private Uni<Void> measure(UUID id) {
        return RuntimeCalls.blocking(() -> Dirs.size(workdir(id.toString())))
                .chain(bytes -> Panache.withTransaction(() -> Execution.<Execution>findById(id,
                        LockModeType.PESSIMISTIC_WRITE).chain(e -> {
                            if (e == null || e.workdirBytes != null) {
                                return Uni.createFrom().voidItem();
                            }
                            e.workdirBytes = bytes;
                            return outbox.append(EventType.OUTPUT_SAVED, e.id.toString(),
                                    new StoredBytes(e.id.toString(), e.ownerId, bytes)).replaceWithVoid();
                        })));
    }

    public Path workdir(String executionId) {
        return Path.of(config.workdirsRoot()).resolve(executionId);
    }

}
