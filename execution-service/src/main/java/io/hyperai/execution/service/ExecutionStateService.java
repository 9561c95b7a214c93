package io.hyperai.execution.service;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import org.jboss.logging.Logger;

import io.hyperai.common.events.EventType;
import io.hyperai.common.events.payload.ExecutionEnded;
import io.hyperai.common.events.payload.ExecutionQueued;
import io.hyperai.common.events.payload.ExecutionStarted;
import io.hyperai.common.outbox.Outbox;
import io.hyperai.execution.Execution;
import io.hyperai.execution.ExecutionState;
import io.hyperai.execution.ExecutionTransition;
import io.hyperai.execution.runtime.PodObservation;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * Moves executions through their states, one locked row at a time, recording each step and
 * publishing its event in the same transaction. Observations that would move backwards, or touch
 * an ended execution, change nothing: the pod watch may repeat itself or arrive late.
 */
@ApplicationScoped
public class ExecutionStateService {

    private static final Logger LOG = Logger.getLogger(ExecutionStateService.class);

    private final Outbox outbox;
    private final MeterRegistry registry;

    public ExecutionStateService(Outbox outbox, MeterRegistry registry) {
        this.outbox = outbox;
        this.registry = registry;
    }

    @WithTransaction
    public Uni<Execution> observe(UUID id, PodObservation observation) {
        return Execution.<Execution>findById(id, LockModeType.PESSIMISTIC_WRITE).chain(execution -> {
            if (execution == null) {
                return Uni.createFrom().nullItem();
            }
            return apply(execution, observation).replaceWith(execution); // an ended one: changes() says nothing
        });
    }

    /**
     * Whether {@code o} changes an execution that is now in {@code state} with {@code reason}: an ended one never
     * changes, and an observation that repeats what is recorded, or would move it backwards, changes nothing. The
     * one rule {@link #observe} applies under the row's lock, and the reconciler's periodic pass uses on the rows it
     * listed to leave alone those with nothing to change.
     */
    public static boolean changes(ExecutionState state, String reason, PodObservation o) {
        if (state.isTerminal()) {
            return false;
        }
        return switch (o.state()) {
            case QUEUED -> state == ExecutionState.QUEUED && o.reason() != null && !o.reason().equals(reason);
            case STARTING -> state == ExecutionState.QUEUED;
            case RUNNING -> state != ExecutionState.RUNNING;
            case SUCCEEDED, FAILED, STOPPED -> true;
        };
    }

    private Uni<Void> apply(Execution e, PodObservation o) {
        if (!changes(e.state, e.reason, o)) {
            return Uni.createFrom().voidItem();
        }
        return switch (o.state()) {
            case QUEUED -> {
                e.reason = o.reason();
                yield record(e, ExecutionState.QUEUED, o.at(), o.reason(), o.detail());
            }
            case STARTING -> {
                e.state = ExecutionState.STARTING;
                e.reason = null;
                e.updatedAt = Instant.now();
                yield record(e, ExecutionState.STARTING, o.at(), null, null);
            }
            case RUNNING -> start(e, o.startedAt() != null ? o.startedAt() : o.at());
            // an end, after its start when the container ran but the start was not seen
            case SUCCEEDED, FAILED, STOPPED -> (e.state != ExecutionState.RUNNING && o.startedAt() != null
                    ? start(e, o.startedAt()) : Uni.createFrom().voidItem())
                    .chain(() -> end(e, o.state(), o.at(), o.reason(), o.exitCode(), o.detail()));
        };
    }

    /**
     * Running since {@code at}, when its container started: what billing charges from. A workspace is seen RUNNING
     * only once it answers, after a STARTING step recorded when it was seen starting, which is later than its
     * container's start: the history's RUNNING step is then that moment, so that the history never goes back in time.
     * Only a STARTING step can be later than the container's start, so only then is the last step read.
     */
    private Uni<Void> start(Execution e, Instant at) {
        Uni<Instant> stepAt = e.state != ExecutionState.STARTING ? Uni.createFrom().item(at)
                : ExecutionTransition.<ExecutionTransition>find("executionId = ?1 order by id desc", e.id)
                        .firstResult().map(last -> last != null && last.at.isAfter(at) ? last.at : at);
        e.state = ExecutionState.RUNNING;
        e.reason = null;
        e.startedAt = at;
        e.updatedAt = Instant.now();
        return stepAt.chain(step -> record(e, ExecutionState.RUNNING, step, null, null))
                .chain(() -> outbox.append(EventType.EXECUTION_STARTED, e.id.toString(),
                        new ExecutionStarted(e.id.toString(), e.gearId, e.ownerId, e.mode.name().toLowerCase(),
                                e.computeSpecId, e.pricePerHourMinor, e.currency, at, e.maxCostMinor)))
                .replaceWithVoid();
    }

    /** Ends an active execution; the end time never precedes its start. */
    Uni<Void> end(Execution e, ExecutionState state, Instant at, String reason, Integer exitCode, String detail) {
        Instant endedAt = e.startedAt != null && at.isBefore(e.startedAt) ? e.startedAt : at;
        e.state = state;
        e.reason = reason;
        e.exitCode = exitCode;
        e.endedAt = endedAt;
        e.updatedAt = Instant.now();
        EventType type = switch (state) {
            case SUCCEEDED -> EventType.EXECUTION_SUCCEEDED;
            case FAILED -> EventType.EXECUTION_FAILED;
            case STOPPED -> EventType.EXECUTION_STOPPED;
            default -> throw new IllegalArgumentException(state + " is not an end state");
        };
        LOG.infof("execution %s %s (%s)", e.id, state, reason);
        registry.counter("hyperai_executions_ended", "state", state.name(), "reason", reason == null ? "" : reason)
                .increment();
        return record(e, state, endedAt, reason, detail)
                .chain(() -> outbox.append(type, e.id.toString(), new ExecutionEnded(e.id.toString(), e.gearId,
                        e.ownerId, e.startedAt, endedAt, exitCode, reason)))
                .replaceWithVoid();
    }

    /** The first step of a new execution, in the transaction that creates it, with its place in the queue. */
    Uni<Void> queued(Execution e, io.hyperai.execution.capacity.FairQueue.Place place) {
        return record(e, ExecutionState.QUEUED, e.createdAt, null, null)
                .chain(() -> outbox.append(EventType.EXECUTION_QUEUED, e.id.toString(),
                        new ExecutionQueued(e.id.toString(), e.gearId, e.ownerId, e.mode.name().toLowerCase(),
                                e.computeSpecId, e.createdAt, place == null ? null : place.pool(),
                                place == null ? null : place.position(),
                                place == null ? null : place.estimatedStartAt())))
                .replaceWithVoid();
    }

    private Uni<Void> record(Execution e, ExecutionState state, Instant at, String reason, String detail) {
        ExecutionTransition t = new ExecutionTransition();
        t.executionId = e.id;
        t.state = state;
        t.at = at;
        t.reason = reason;
        t.detail = detail;
        return t.persist().replaceWithVoid();
    }
}
