package io.hyperai.execution.runtime;

import java.time.Instant;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.hyperai.execution.ExecutionState;
import io.hyperai.execution.Reasons;

/**
 * Reads an execution's state from its pod: Pending (unschedulable means waiting for capacity) is
 * QUEUED; Running is RUNNING (once ready, where the main container has a readiness probe: a workspace
 * answers); Succeeded; Failed with OOMKilled is a memory-limit failure, an eviction for ephemeral
 * storage a disk-limit failure, anything else a failure with the exit code.
 */
public final class PodStatusInterpreter {

    private PodStatusInterpreter() {
    }

    public static PodObservation interpret(Pod pod) {
        PodStatus status = pod.getStatus();
        String phase = status == null || status.getPhase() == null ? "Pending" : status.getPhase();
        Optional<ContainerStatus> main = main(pod);
        Instant startedAt = startedAt(pod, main);
        switch (phase) {
            case "Running":
                if (waitingFailure(main, startedAt).isPresent()) {
                    return waitingFailure(main, startedAt).get();
                }
                if (probed(pod) && !main.map(c -> Boolean.TRUE.equals(c.getReady())).orElse(false)) {
                    // a workspace is RUNNING once it answers, so its URL works when the user gets it
                    return new PodObservation(ExecutionState.STARTING, null, null, null, null, Instant.now());
                }
                return new PodObservation(ExecutionState.RUNNING, null, null, null, startedAt,
                        startedAt == null ? Instant.now() : startedAt);
            case "Succeeded":
                return new PodObservation(ExecutionState.SUCCEEDED, null, 0, null, startedAt, finishedAt(main));
            case "Failed":
                return failed(status, main, startedAt);
            default:
                return waitingFailure(main, startedAt).orElseGet(() -> queued(status));
        }
    }

    /** Whether the main container declares when it is ready (a workspace's Jupyter does). */
    private static boolean probed(Pod pod) {
        return pod.getSpec() != null && pod.getSpec().getContainers() != null && pod.getSpec().getContainers().stream()
                .anyMatch(c -> "main".equals(c.getName()) && c.getReadinessProbe() != null);
    }

    /**
     * A container that cannot start (its image cannot be pulled) or keeps crashing fails the
     * execution at once instead of leaving it waiting for a timeout.
     */
    private static Optional<PodObservation> waitingFailure(Optional<ContainerStatus> main, Instant startedAt) {
        String reason = main.map(c -> c.getState() == null || c.getState().getWaiting() == null ? null
                : c.getState().getWaiting().getReason()).orElse(null);
        if (reason == null) {
            return Optional.empty();
        }
        String message = main.map(c -> c.getState().getWaiting().getMessage()).map(PodStatusInterpreter::truncate)
                .orElse(null);
        return switch (reason) {
            case "ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull" -> Optional.of(
                    new PodObservation(ExecutionState.FAILED, Reasons.IMAGE_PULL_FAILED, null,
                            message == null ? reason : message, startedAt, Instant.now()));
            case "CrashLoopBackOff" -> Optional.of(new PodObservation(ExecutionState.FAILED, Reasons.CRASH_LOOP,
                    main.map(c -> c.getLastState() == null || c.getLastState().getTerminated() == null ? null
                            : c.getLastState().getTerminated().getExitCode()).orElse(null),
                    message, startedAt, Instant.now()));
            default -> Optional.empty();
        };
    }

    private static PodObservation queued(PodStatus status) {
        if (status != null && status.getConditions() != null) {
            for (PodCondition condition : status.getConditions()) {
                if ("PodScheduled".equals(condition.getType()) && "False".equals(condition.getStatus())
                        && "Unschedulable".equals(condition.getReason())) {
                    return new PodObservation(ExecutionState.QUEUED, Reasons.WAITING_FOR_CAPACITY, null,
                            condition.getMessage(), null, Instant.now());
                }
                if ("PodScheduled".equals(condition.getType()) && "True".equals(condition.getStatus())) {
                    return new PodObservation(ExecutionState.STARTING, null, null, null, null, Instant.now());
                }
            }
        }
        return new PodObservation(ExecutionState.QUEUED, null, null, null, null, Instant.now());
    }

    private static PodObservation failed(PodStatus status, Optional<ContainerStatus> main, Instant startedAt) {
        Optional<ContainerStateTerminated> terminated = main.map(c -> c.getState() == null ? null
                : c.getState().getTerminated());
        Integer exitCode = terminated.map(ContainerStateTerminated::getExitCode).orElse(null);
        Instant at = finishedAt(main);
        String message = status.getMessage() == null ? "" : status.getMessage();
        if ("Evicted".equals(status.getReason())) {
            // node-pressure and per-container wording differ ("ephemeral-storage", "ephemeral storage")
            boolean disk = message.toLowerCase().contains("ephemeral");
            return new PodObservation(ExecutionState.FAILED, disk ? Reasons.DISK_LIMIT_EXCEEDED : Reasons.EVICTED,
                    exitCode, truncate(message), startedAt, at);
        }
        if (terminated.map(t -> "OOMKilled".equals(t.getReason())).orElse(false)) {
            return new PodObservation(ExecutionState.FAILED, Reasons.MEMORY_LIMIT_EXCEEDED, exitCode,
                    "the container exceeded its memory limit", startedAt, at);
        }
        return new PodObservation(ExecutionState.FAILED, Reasons.EXIT_CODE, exitCode,
                terminated.map(ContainerStateTerminated::getMessage).map(PodStatusInterpreter::truncate).orElse(null),
                startedAt, at);
    }

    /** Whether user code has run in the pod: its main container started, ready or not. */
    public static boolean started(Pod pod) {
        return startedAt(pod, main(pod)) != null;
    }

    private static Optional<ContainerStatus> main(Pod pod) {
        PodStatus status = pod.getStatus();
        return status == null || status.getContainerStatuses() == null ? Optional.empty()
                : status.getContainerStatuses().stream().filter(c -> "main".equals(c.getName())).findFirst();
    }

    private static Instant startedAt(Pod pod, Optional<ContainerStatus> main) {
        Optional<String> running = main.map(c -> c.getState() == null ? null
                : c.getState().getRunning() != null ? c.getState().getRunning().getStartedAt()
                        : c.getState().getTerminated() != null ? c.getState().getTerminated().getStartedAt() : null);
        return running.map(Instant::parse).orElse(null);
    }

    private static Instant finishedAt(Optional<ContainerStatus> main) {
        return main.map(c -> c.getState() == null || c.getState().getTerminated() == null ? null
                : c.getState().getTerminated().getFinishedAt()).map(Instant::parse).orElse(Instant.now());
    }

    private static String truncate(String s) {
        return s == null || s.length() <= 1000 ? s : s.substring(0, 1000);
    }
}
