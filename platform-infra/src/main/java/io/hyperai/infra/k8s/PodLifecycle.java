package io.hyperai.infra.k8s;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.hyperai.infra.k8s.FakeKubelet.Outcome;
import io.hyperai.infra.k8s.PodTrack.Stage;
import org.jboss.logging.Logger;

/**
 * The node's state machine for each pod it sees: accepted (Pending), the scheduler's decision (unschedulable, or
 * bound and ContainerCreating), Running, then the chosen {@link Outcome} after its run time, following the pod's
 * restart policy. Commands from tests ({@link #command}, {@link #schedule}) move a pod on early. Every method runs on
 * the {@link NodeThread}.
 */
final class PodLifecycle {

    private static final Logger LOG = Logger.getLogger(PodLifecycle.class);

    private final String namespace;
    private final NodeThread node;
    private final PodStatusWriter api;
    private final Plans plans;
    private final Map<String, PodTrack> tracks = new ConcurrentHashMap<>();
    /** Commands for pods that exist in the API but have not reached the informer yet. */
    private final Map<String, Outcome> queued = new HashMap<>();
    private final AtomicInteger nextIp = new AtomicInteger();
    private volatile Duration stepDelay = FakeKubelet.DEFAULT_STEP_DELAY;

    PodLifecycle(String namespace, NodeThread node, PodStatusWriter api, Plans plans) {
        this.namespace = namespace;
        this.node = node;
        this.api = api;
        this.plans = plans;
    }

    void stepDelay(Duration delay) {
        this.stepDelay = delay;
    }

    /** Names of the pods looked after (ended ones included until deleted); safe from any thread. */
    Set<String> trackedPods() {
        return new TreeSet<>(tracks.keySet());
    }

    void forgetAll() {
        tracks.clear();
    }

    // --------------------------------------------------------------------------------------------- informer events

    void observe(Pod pod) {
        String name = pod.getMetadata().getName();
        PodTrack t = tracks.get(name);
        if (t != null && !Objects.equals(t.uid, pod.getMetadata().getUid())) {
            drop(t, "replaced by a new pod of the same name");
            t = null;
        }
        if (t == null) {
            admit(pod);
            return;
        }
        t.pod = pod;
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            killForDeletion(t);
        }
    }

    void gone(Pod pod) {
        String name = pod.getMetadata().getName();
        PodTrack t = tracks.get(name);
        if (t != null && Objects.equals(t.uid, pod.getMetadata().getUid())) {
            drop(t, "deleted");
        }
        queued.remove(name);
    }

    private void admit(Pod pod) {
        PodTrack t = new PodTrack(pod);
        tracks.put(t.name, t);
        OutcomeChoice choice = choose(pod);
        t.outcome = choice.outcome();
        t.runFor = choice.runFor();
        PodStatus status = pod.getStatus();
        String phase = status == null || status.getPhase() == null ? "" : status.getPhase();
        LOG.debugf("pod %s/%s: seen (phase '%s'), outcome %s after %d ms (%s)", namespace, t.name, phase, t.outcome,
                t.runFor.toMillis(), choice.source());
        switch (phase) {
            case "":
                if (write(t, PodStatuses.accepted(t), "Pending")) {
                    later(t, stepDelay, this::decide);
                }
                break;
            case PodStatuses.PENDING:
                later(t, stepDelay, this::decide);
                break;
            case PodStatuses.RUNNING:
                adoptRunning(t, status);
                break;
            default: // Succeeded, Failed, Unknown: nothing left to do for a node
                t.stage = Stage.TERMINATED;
                break;
        }
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            killForDeletion(t);
        }
    }

    /** First match wins: a command given before the pod was seen, its annotations, a plan, else run forever. */
    private OutcomeChoice choose(Pod pod) {
        Outcome command = queued.remove(pod.getMetadata().getName());
        if (command != null) {
            return new OutcomeChoice(command, Duration.ZERO, "command");
        }
        OutcomeChoice choice = OutcomeAnnotations.of(pod);
        if (choice == null) {
            choice = plans.match(pod);
        }
        return choice != null ? choice : new OutcomeChoice(Outcome.RUN_FOREVER, Duration.ZERO, "default");
    }

    // ------------------------------------------------------------------------------------------------------ steps

    /** The scheduler's part: unschedulable, or bound to the node. */
    private void decide(PodTrack t) {
        if (t.outcome.kind() == Outcome.Kind.UNSCHEDULABLE) {
            String message = PodStatuses.unschedulableMessage(t);
            if (write(t, PodStatuses.unschedulable(t, message), "Pending, unschedulable: " + message)) {
                t.stage = Stage.UNSCHEDULABLE;
            }
            return;
        }
        bind(t);
    }

    private void bind(PodTrack t) {
        String nodeName = t.nodeName();
        if (nodeName == null || nodeName.isEmpty()) {
            Pod bound = api.bind(t.name, FakeKubelet.NODE_NAME);
            if (bound == null) {
                drop(t, "vanished");
                return;
            }
            t.pod = bound;
        }
        t.startTime = PodStatuses.now();
        if (write(t, PodStatuses.containerCreating(t),
                "Pending, scheduled on " + FakeKubelet.NODE_NAME + ", ContainerCreating")) {
            t.stage = Stage.BOUND;
            later(t, stepDelay, this::run);
        }
    }

    private void run(PodTrack t) {
        t.podIP = nextPodIp();
        t.containerStartedAt = PodStatuses.now();
        if (write(t, PodStatuses.running(t), "Running (podIP " + t.podIP + ")")) {
            t.stage = Stage.RUNNING;
            arm(t);
        }
    }

    private String nextPodIp() {
        return "10.244.0." + (2 + Math.floorMod(nextIp.getAndIncrement(), 250));
    }

    /** A pod that was already Running when the kubelet started (e.g. after a restart of the launcher's kubelet). */
    private void adoptRunning(PodTrack t, PodStatus status) {
        t.startTime = status.getStartTime() != null ? status.getStartTime() : PodStatuses.now();
        t.podIP = status.getPodIP() != null ? status.getPodIP() : nextPodIp();
        t.containerStartedAt = t.startTime;
        if (status.getContainerStatuses() != null) {
            for (ContainerStatus cs : status.getContainerStatuses()) {
                if (cs.getState() != null && cs.getState().getRunning() != null
                        && cs.getState().getRunning().getStartedAt() != null) {
                    t.containerStartedAt = cs.getState().getRunning().getStartedAt();
                }
                if (cs.getRestartCount() != null) {
                    t.restartCount = Math.max(t.restartCount, cs.getRestartCount());
                }
            }
        }
        t.stage = Stage.RUNNING;
        arm(t);
    }

    private void arm(PodTrack t) {
        Outcome.Kind kind = t.outcome.kind();
        if (kind == Outcome.Kind.RUN_FOREVER || kind == Outcome.Kind.UNSCHEDULABLE) {
            return;
        }
        Outcome outcome = t.outcome;
        later(t, t.runFor, tt -> end(tt, outcome));
    }

    /** The containers of a Running pod end (or it is evicted); the restart policy may start them again. */
    private void end(PodTrack t, Outcome outcome) {
        switch (outcome.kind()) {
            case RUN_FOREVER:
            case UNSCHEDULABLE:
                return;
            case EVICTED_DISK: {
                String message = PodStatuses.diskEvictionMessage(t);
                if (write(t, PodStatuses.evicted(t, message, PodStatuses.DISK_PRESSURE), "Failed, Evicted: " + message)) {
                    t.stage = Stage.TERMINATED;
                }
                return;
            }
            default:
                break;
        }
        int exitCode = outcome.exitCode();
        String reason = outcome.kind() == Outcome.Kind.SUCCEED ? "Completed"
                : outcome.kind() == Outcome.Kind.OOM_KILLED ? "OOMKilled" : "Error";
        String policy = t.restartPolicy();
        boolean restart = "Always".equals(policy) || ("OnFailure".equals(policy) && exitCode != 0);
        if (restart) {
            for (Container c : t.containers()) {
                t.lastTerminated.put(c.getName(), PodStatuses.terminatedState(t, c, exitCode, reason).getTerminated());
            }
            t.restartCount++;
            t.containerStartedAt = PodStatuses.now();
            t.outcome = Outcome.RUN_FOREVER;
            write(t, PodStatuses.running(t), "container exited (" + reason + ", exit code " + exitCode
                    + ") and was restarted (restartPolicy " + policy + ", restartCount " + t.restartCount + ")");
            return;
        }
        PodStatus status = PodStatuses.terminated(t, exitCode, reason);
        if (write(t, status, status.getPhase() + " (" + reason + ", exit code " + exitCode + ")")) {
            t.stage = Stage.TERMINATED;
        }
    }

    /** Only with finalizers does a deleted pod linger; its containers are then stopped like on a real node. */
    private void killForDeletion(PodTrack t) {
        if (t.killed) {
            return;
        }
        t.killed = true;
        t.cancelTimer();
        if (t.stage == Stage.RUNNING || t.stage == Stage.BOUND) {
            if (t.containerStartedAt == null) {
                t.containerStartedAt = PodStatuses.now();
            }
            if (write(t, PodStatuses.terminated(t, 143, "Error"), "Failed (deleted, containers stopped, exit 143)")) {
                t.stage = Stage.TERMINATED;
            }
        } else if (t.stage != Stage.TERMINATED) {
            LOG.debugf("pod %s/%s: marked for deletion before it ran", namespace, t.name);
        }
    }

    // --------------------------------------------------------------------------------------------------- commands

    /** See {@link FakeKubelet#finish}: false if the pod had already ended. */
    boolean command(String podName, Outcome outcome) {
        PodTrack t = tracks.get(podName);
        if (t == null) {
            if (!api.exists(podName)) {
                throw new IllegalArgumentException("no pod " + namespace + "/" + podName);
            }
            t = tracks.get(podName); // the informer may have delivered it meanwhile
            if (t == null) {
                LOG.debugf("pod %s/%s: not seen yet, %s queued", namespace, podName, outcome);
                queued.put(podName, outcome);
                return true;
            }
        }
        switch (t.stage) {
            case TERMINATED:
                LOG.debugf("pod %s/%s: already ended, %s ignored", namespace, podName, outcome);
                return false;
            case RUNNING:
                t.cancelTimer();
                end(t, outcome);
                return true;
            case UNSCHEDULABLE:
                t.afterSchedule = outcome;
                t.afterScheduleRunFor = Duration.ZERO;
                return true;
            default:
                t.outcome = outcome;
                t.runFor = Duration.ZERO;
                return true;
        }
    }

    /** See {@link FakeKubelet#schedule(String, Outcome, Duration)}: false if the pod is not waiting for a node. */
    boolean schedule(String podName, Outcome then, Duration runFor) {
        PodTrack t = tracks.get(podName);
        if (t == null) {
            if (!api.exists(podName)) {
                throw new IllegalArgumentException("no pod " + namespace + "/" + podName);
            }
            return false;
        }
        Outcome next = then != null ? then : t.afterSchedule != null ? t.afterSchedule : Outcome.RUN_FOREVER;
        Duration nextRunFor = then != null ? runFor : t.afterSchedule != null ? t.afterScheduleRunFor : runFor;
        if (t.stage == Stage.UNSCHEDULABLE) {
            t.outcome = next;
            t.runFor = nextRunFor;
            t.afterSchedule = null;
            LOG.debugf("pod %s/%s: a node became available", namespace, t.name);
            bind(t);
            return true;
        }
        if (t.stage == Stage.ACCEPTED && t.outcome.kind() == Outcome.Kind.UNSCHEDULABLE) {
            t.outcome = next;
            t.runFor = nextRunFor;
            return true;
        }
        return false;
    }

    // ---------------------------------------------------------------------------------------------------- helpers

    /** Writes the status; a pod that is gone meanwhile is forgotten. */
    private boolean write(PodTrack t, PodStatus status, String what) {
        if (api.write(t, status, what)) {
            return true;
        }
        drop(t, "vanished");
        return false;
    }

    private void drop(PodTrack t, String why) {
        if (tracks.remove(t.name, t)) {
            t.cancelTimer();
            LOG.debugf("pod %s/%s: %s, forgotten", namespace, t.name, why);
        }
    }

    /** The pod's next step; replaces the one planned, and does nothing for a pod forgotten meanwhile. */
    private void later(PodTrack t, Duration delay, Consumer<PodTrack> step) {
        t.cancelTimer();
        t.next = node.schedule(delay, () -> {
            if (tracks.get(t.name) == t) {
                try {
                    step.accept(t);
                } catch (RuntimeException e) {
                    LOG.warnf(e, "fake kubelet: step failed for pod %s/%s", namespace, t.name);
                }
            }
        });
    }
}
