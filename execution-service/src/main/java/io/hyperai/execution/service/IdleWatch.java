package io.hyperai.execution.service;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.hyperai.common.lease.NotLeader;
import io.hyperai.common.events.EventType;
import io.hyperai.common.events.payload.ExecutionWarned;
import io.hyperai.common.outbox.Outbox;
import io.hyperai.execution.Execution;
import io.hyperai.execution.ExecutionState;
import io.hyperai.execution.Reasons;
import io.hyperai.execution.client.JupyterActivity;
import io.hyperai.execution.proxy.WorkspaceActivity;
import io.hyperai.execution.runtime.ExecutionRuntime;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The idle policy of workspaces that chose one (none do unless their user asks: a workspace is billed until closed).
 * A workspace is idle when no kernel is busy and nothing has happened for a while: no kernel or terminal activity that
 * Jupyter reports, no request through the proxy. A busy kernel is use, however long its cell runs. After the policy's
 * warning time idle, one {@code execution.warned} (IDLE) per idle period; after its stop time idle, stopped with
 * reason IDLE, its home saved. A workspace whose Jupyter cannot be read is left alone (it may be starting, or busy).
 */
@ApplicationScoped
public class IdleWatch {

    private static final Logger LOG = Logger.getLogger(IdleWatch.class);
    private static final int CONCURRENCY = 8;

    private final ExecutionRuntime runtime;
    private final JupyterActivity jupyter;
    private final WorkspaceActivity proxied;
    private final ExecutionService executions;
    private final ExecutionReconciler reconciler;
    private final Outbox outbox;

    public IdleWatch(ExecutionRuntime runtime, JupyterActivity jupyter, WorkspaceActivity proxied,
            ExecutionService executions, ExecutionReconciler reconciler, Outbox outbox) {
        this.runtime = runtime;
        this.jupyter = jupyter;
        this.proxied = proxied;
        this.executions = executions;
        this.reconciler = reconciler;
        this.outbox = outbox;
    }

    @Scheduled(identity = "execution-idle", every = "${hyperai.execution.idle-check:30s}", delayed = "3s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = NotLeader.class)
    Uni<Void> pass() {
        if (runtime.synced()) {
            proxied.retainOnly(runtime.withContainers());
        }
        return Panache.withSession(() -> Execution.<Execution>list("state = ?1 and mode = ?2"
                + " and (idleWarnAfterSeconds is not null or idleStopAfterSeconds is not null)",
                ExecutionState.RUNNING, Execution.Mode.JUPYTER))
                // a few at a time: one workspace slow to answer does not hold the others back
                .chain(watched -> Multi.createFrom().iterable(watched).onItem()
                        .transformToUni(this::check).merge(CONCURRENCY).filter(Objects::nonNull).collect().asList())
                // after commit, the stopped workspaces' containers go now rather than at the next pass
                .chain(stopped -> reconciler.reconcileEach(stopped))
                .onFailure().invoke(e -> LOG.warnf("the idle pass failed; the next one retries: %s", e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Warns or stops one workspace as its idleness asks; the id when it was stopped. */
    private Uni<UUID> check(Execution e) {
        String id = e.id.toString();
        return runtime.workspaceEndpoint(id)
                .map(endpoint -> jupyter.read(id, endpoint)
                        .onFailure().invoke(f -> LOG.debugf("workspace %s: activity unreadable (%s)", id, f))
                        .onFailure().recoverWithNull())
                .orElse(Uni.createFrom().nullItem())
                .chain(reading -> reading == null ? Uni.createFrom().nullItem() : act(e, reading));
    }

    private Uni<UUID> act(Execution e, JupyterActivity.Reading reading) {
        Instant now = Instant.now();
        if (reading.busy()) {
            return Uni.createFrom().nullItem();
        }
        // millisecond precision, as stored, so that a period already warned for compares equal
        Instant since = Stream.of(Optional.ofNullable(e.startedAt), reading.lastActivity(),
                proxied.last(e.id.toString()), Optional.ofNullable(e.proxiedAt)).flatMap(Optional::stream)
                .max(Instant::compareTo).orElse(now)
                .truncatedTo(ChronoUnit.MILLIS);
        Duration idle = Duration.between(since, now);
        if (e.idleStopAfterSeconds != null && idle.getSeconds() >= e.idleStopAfterSeconds) {
            LOG.infof("workspace %s idle since %s: stopped by its idle policy", e.id, since);
            return Panache.withTransaction(() -> executions.stopAllInTransaction(List.of(e.id), Reasons.IDLE))
                    .replaceWith(e.id);
        }
        if (e.idleWarnAfterSeconds != null && idle.getSeconds() >= e.idleWarnAfterSeconds
                && (e.idleWarnedFor == null || e.idleWarnedFor.isBefore(since))) {
            Instant stopsAt = e.idleStopAfterSeconds == null ? null : since.plusSeconds(e.idleStopAfterSeconds);
            return Panache.withTransaction(() -> Execution.update("idleWarnedFor = ?1 where id = ?2 and state = ?3",
                    since, e.id, ExecutionState.RUNNING)
                    .chain(changed -> changed == 0 ? Uni.createFrom().voidItem()
                            : outbox.append(EventType.EXECUTION_WARNED, e.id.toString(), new ExecutionWarned(
                                    e.id.toString(), e.ownerId, "IDLE", stopsAt)).replaceWithVoid()))
                    .replaceWith((UUID) null);
        }
        return Uni.createFrom().nullItem();
    }
}
