package io.hyperai.execution.mapping;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.hyperai.execution.Execution;
import io.hyperai.execution.ExecutionState;
import io.hyperai.execution.ExecutionTransition;
import io.hyperai.execution.runtime.Launch;

/**
 * An execution as its owner sees it; {@code workspaceUrl} only for a running workspace, {@code deadlineAt} once an
 * execution with a maximum running time has started, {@code maxCostMinor} when it has a spending cap of its own,
 * {@code queue} while it waits for its pool.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExecutionView(String id, String gearId, String mode, String state, String reason, Integer exitCode,
        String entryCommand, String codeId, String continuedFrom, String computeSpecId, long pricePerHourMinor,
        String currency, Launch.Resources resources, Instant createdAt, Instant startedAt, Instant endedAt,
        Integer maxRuntimeSeconds, Instant deadlineAt, IdlePolicy idlePolicy, Long maxCostMinor, QueuePlace queue,
        String workspaceUrl, List<Step> history) {

    public record Step(String state, Instant at, String reason, String detail) {
    }

    public static ExecutionView of(Execution e, List<ExecutionTransition> transitions, String workspaceBaseUrl,
            QueuePlace queue) {
        String url = e.mode == Execution.Mode.JUPYTER && e.state == ExecutionState.RUNNING
                ? workspaceBaseUrl + "/executions/" + e.id + "/?token=" + e.jupyterToken
                : null;
        List<Step> steps = transitions == null ? null
                : transitions.stream().map(t -> new Step(t.state.name(), t.at, t.reason, t.detail)).toList();
        return new ExecutionView(e.id.toString(), e.gearId, e.mode.name().toLowerCase(), e.state.name(), e.reason,
                e.exitCode, e.entryCommand, e.codeId, e.continuedFrom == null ? null : e.continuedFrom.toString(),
                e.computeSpecId, e.pricePerHourMinor, e.currency, e.launch == null ? null : e.launch.resources(),
                e.createdAt, e.startedAt, e.endedAt, e.maxRuntimeSeconds,
                e.maxRuntimeSeconds == null || e.startedAt == null ? null : e.startedAt.plusSeconds(e.maxRuntimeSeconds),
                IdlePolicy.of(e.idleWarnAfterSeconds, e.idleStopAfterSeconds),
                e.maxCostMinor, queue, url, steps);
    }
}
