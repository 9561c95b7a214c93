package io.hyperai.infra.k8s;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.jboss.logging.Logger;

/**
 * Plays the node's part for the pods of one namespace of a Kubernetes API (fabric8's mock, {@link KubernetesApiServer}
 * or a real one): it schedules them onto {@value #NODE_NAME}, starts them and brings them to an {@link Outcome}.
 * <p>
 * It watches the namespace with an informer, so it sees pods created by any client. Per pod, each step is a separate
 * write through the status subresource (the binding is a patch of {@code spec.nodeName}), so watchers see them in
 * order:
 * <ol>
 * <li>status {@code Pending} (skipped if the API server already set it, as {@link KubernetesApiServer} and a real
 * server do);</li>
 * <li>the scheduler's decision: either {@code PodScheduled=False, reason Unschedulable} (the pod stays Pending until
 * {@link #schedule(String)}), or {@code spec.nodeName} set, then {@code Pending} with {@code PodScheduled=True},
 * {@code startTime}, {@code hostIP} and containers waiting in {@code ContainerCreating};</li>
 * <li>{@code Running}: containers running, {@code Ready=True}, a {@code podIP};</li>
 * <li>after the outcome's run time, the outcome.</li>
 * </ol>
 * The outcome of a pod, first match wins: a command issued before the pod was seen; the pod's annotations
 * ({@value #OUTCOME_ANNOTATION}: {@code succeed|fail|oom|evict-disk|unschedulable|run}, {@value #EXIT_CODE_ANNOTATION},
 * {@value #RUN_MILLIS_ANNOTATION}); the most recently registered matching {@link #plan plan}; otherwise
 * {@link Outcome#RUN_FOREVER}.
 * <p>
 * Container exits follow {@code spec.restartPolicy} like a real kubelet: with {@code Never} the pod ends Succeeded
 * (all exit codes 0) or Failed; with {@code Always} (the API's default when unset) or with {@code OnFailure} and a
 * non-zero exit, the container is restarted instead: the pod stays Running, {@code restartCount} goes up and
 * {@code lastState.terminated} holds the exit (e.g. OOMKilled). An eviction always ends the pod (Failed, reason
 * Evicted). A pod marked for deletion (only happens while it has finalizers; without, the API removes it at once) has
 * its containers killed (exit 143, phase Failed). A deleted pod is forgotten and its timers cancelled.
 * <p>
 * All work runs on one scheduler thread; {@link #close()} stops it. Transitions are logged at DEBUG.
 */
public final class FakeKubelet implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(FakeKubelet.class);

    public static final String NODE_NAME = "fake-node-1";
    public static final String OUTCOME_ANNOTATION = "fake-kubelet.hyperai.io/outcome";
    public static final String EXIT_CODE_ANNOTATION = "fake-kubelet.hyperai.io/exit-code";
    public static final String RUN_MILLIS_ANNOTATION = "fake-kubelet.hyperai.io/run-millis";
    /** How long a pod whose annotations pick an outcome stays Running by default. */
    public static final Duration DEFAULT_RUN_FOR = Duration.ofMillis(200);
    /** Pause between the steps Pending, scheduled, Running. */
    public static final Duration DEFAULT_STEP_DELAY = Duration.ofMillis(20);

    static final String HOST_IP = "10.0.0.11";
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    /** How a pod ends. */
    public record Outcome(Kind kind, int exitCode) {

        public enum Kind {
            /** Stays Running until deleted (the default). */
            RUN_FOREVER,
            /** Phase Succeeded, containers terminated with exit code 0, reason Completed. */
            SUCCEED,
            /** Phase Failed, containers terminated with the exit code, reason Error. */
            FAIL,
            /** Phase Failed, containers terminated with exit code 137, reason OOMKilled. */
            OOM_KILLED,
            /** Phase Failed, status.reason Evicted, the ephemeral-storage message, containers terminated (137). */
            EVICTED_DISK,
            /** Stays Pending with PodScheduled=False, reason Unschedulable, until {@link FakeKubelet#schedule}. */
            UNSCHEDULABLE
        }

        public static final Outcome RUN_FOREVER = new Outcome(Kind.RUN_FOREVER, 0);
        public static final Outcome SUCCEED = new Outcome(Kind.SUCCEED, 0);
        public static final Outcome OOM_KILLED = new Outcome(Kind.OOM_KILLED, 137);
        public static final Outcome EVICTED_DISK = new Outcome(Kind.EVICTED_DISK, 137);
        public static final Outcome UNSCHEDULABLE = new Outcome(Kind.UNSCHEDULABLE, 0);

        public Outcome {
            Objects.requireNonNull(kind, "kind");
            switch (kind) {
                case FAIL:
                    if (exitCode == 0) {
                        throw new IllegalArgumentException("a failure needs a non-zero exit code (use SUCCEED)");
                    }
                    break;
                case OOM_KILLED:
                case EVICTED_DISK:
                    if (exitCode != 137) {
                        throw new IllegalArgumentException(kind + " always exits with 137");
                    }
                    break;
                default:
                    if (exitCode != 0) {
                        throw new IllegalArgumentException(kind + " has no exit code");
                    }
            }
        }

        /** Phase Failed with this exit code (non-zero), reason Error. */
        public static Outcome fail(int exitCode) {
            return new Outcome(Kind.FAIL, exitCode);
        }

        /** {@link #SUCCEED} for 0, otherwise {@link #fail(int)}. */
        public static Outcome exit(int exitCode) {
            return exitCode == 0 ? SUCCEED : fail(exitCode);
        }

        @Override
        public String toString() {
            return kind == Kind.FAIL ? "FAIL(" + exitCode + ")" : kind.name();
        }
    }

    /** A registered choice of outcome for the pods that match; see {@link #plan}. */
    public final class Plan implements AutoCloseable {
        private final Predicate<Pod> match;
        private final Outcome outcome;
        private final Duration runFor;

        private Plan(Predicate<Pod> match, Outcome outcome, Duration runFor) {
            this.match = match;
            this.outcome = outcome;
            this.runFor = runFor;
        }

        public Outcome outcome() {
            return outcome;
        }

        public Duration runFor() {
            return runFor;
        }

        /** Pods that appear from now on no longer use this plan. */
        public void cancel() {
            plans.remove(this);
        }

        @Override
        public void close() {
            cancel();
        }
    }

    enum Stage {
        ACCEPTED, UNSCHEDULABLE, BOUND, RUNNING, TERMINATED
    }

    /** What the kubelet knows about one pod. Touched only on the scheduler thread. */
    static final class Track {
        final String name;
        final String uid;
        Pod pod;
        Stage stage = Stage.ACCEPTED;
        Outcome outcome;
        Duration runFor;
        Outcome afterSchedule;
        Duration afterScheduleRunFor;
        ScheduledFuture<?> next;
        boolean killed;
        String qosClass;
        String startTime;
        String podIP;
        String containerStartedAt;
        int restartCount;
        final Map<String, ContainerStateTerminated> lastTerminated = new HashMap<>();
        private final Map<String, String[]> conditions = new HashMap<>();

        Track(Pod pod) {
            this.name = pod.getMetadata().getName();
            this.uid = pod.getMetadata().getUid();
            this.pod = pod;
            PodStatus status = pod.getStatus();
            this.qosClass = status != null && status.getQosClass() != null ? status.getQosClass()
                    : PodStatuses.qosClass(pod.getSpec());
            if (status != null && status.getConditions() != null) {
                for (PodCondition c : status.getConditions()) {
                    conditions.put(c.getType(), new String[] { c.getStatus(), c.getLastTransitionTime() });
                }
            }
        }

        List<Container> containers() {
            List<Container> cs = pod.getSpec() == null ? null : pod.getSpec().getContainers();
            if (cs == null || cs.isEmpty()) {
                return List.of(new ContainerBuilder().withName("main").build());
            }
            return cs;
        }

        List<String> containerNames() {
            List<String> names = new ArrayList<>();
            containers().forEach(c -> names.add(c.getName()));
            return names;
        }

        String containerId(String container) {
            return "containerd://" + sha256Hex(uid + "/" + container + "/" + restartCount);
        }

        String restartPolicy() {
            String p = pod.getSpec() == null ? null : pod.getSpec().getRestartPolicy();
            return p == null || p.isEmpty() ? "Always" : p;
        }

        /** A condition whose lastTransitionTime only moves when its status changes. */
        PodCondition condition(String type, boolean status, String reason, String message) {
            String value = status ? "True" : "False";
            String[] previous = conditions.get(type);
            String time = previous != null && value.equals(previous[0]) && previous[1] != null ? previous[1] : now();
            conditions.put(type, new String[] { value, time });
            return PodStatuses.condition(type, status, reason, message, time);
        }
    }

    private record Choice(Outcome outcome, Duration runFor, String source) {
    }

    private final KubernetesClient client;
    private final String namespace;
    private final ScheduledThreadPoolExecutor executor;
    private volatile Thread executorThread;
    private final Map<String, Track> tracks = new ConcurrentHashMap<>();
    /** Commands for pods that exist in the API but have not reached the informer yet. Scheduler thread only. */
    private final Map<String, Outcome> queued = new HashMap<>();
    private final List<Plan> plans = new CopyOnWriteArrayList<>();
    private final Map<String, StringBuilder> logs = new ConcurrentHashMap<>();
    private final AtomicInteger nextIp = new AtomicInteger();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean closed;
    private volatile Duration stepDelay = DEFAULT_STEP_DELAY;
    private volatile SharedIndexInformer<Pod> informer;
    private volatile Boolean serverServesLogs;

    public FakeKubelet(KubernetesClient client, String namespace) {
        this.client = Objects.requireNonNull(client, "client");
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "fake-kubelet-" + namespace);
            t.setDaemon(true);
            executorThread = t;
            return t;
        });
        this.executor.setRemoveOnCancelPolicy(true);
        this.executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /** Pause between Pending, scheduled and Running (default {@link #DEFAULT_STEP_DELAY}); may be zero. */
    public FakeKubelet withStepDelay(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("negative step delay");
        }
        this.stepDelay = delay;
        return this;
    }

    public String namespace() {
        return namespace;
    }

    /** Starts watching the namespace; pods that already exist are taken over (Pending ones are run). */
    public FakeKubelet start() {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("already started");
        }
        informer = client.pods().inNamespace(namespace).inform(new ResourceEventHandler<Pod>() {
            @Override
            public void onAdd(Pod pod) {
                post(() -> observe(pod));
            }

            @Override
            public void onUpdate(Pod oldPod, Pod pod) {
                post(() -> observe(pod));
            }

            @Override
            public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
                post(() -> gone(pod));
            }
        }, 0);
        LOG.debugf("fake kubelet for namespace %s started (node %s)", namespace, NODE_NAME);
        return this;
    }

    // ---------------------------------------------------------------------------------------------- choosing outcomes

    /**
     * Pods that appear from now on and match get this outcome, reached {@code runFor} after they are Running (ignored
     * for {@link Outcome#RUN_FOREVER} and {@link Outcome#UNSCHEDULABLE}). The latest registered matching plan wins;
     * a pod's own annotations win over plans.
     */
    public Plan plan(Predicate<Pod> match, Outcome outcome, Duration runFor) {
        Objects.requireNonNull(match, "match");
        Objects.requireNonNull(outcome, "outcome");
        if (runFor == null || runFor.isNegative()) {
            throw new IllegalArgumentException("runFor must be zero or positive");
        }
        Plan plan = new Plan(match, outcome, runFor);
        plans.add(plan);
        return plan;
    }

    /** {@link #plan(Predicate, Outcome, Duration)} with {@link #DEFAULT_RUN_FOR}. */
    public Plan plan(Predicate<Pod> match, Outcome outcome) {
        return plan(match, outcome, DEFAULT_RUN_FOR);
    }

    /**
     * execution-service's save pods (component {@code home-save}) copy nothing here; they end as a real one does once
     * its copy is done, so ended executions get measured.
     */
    public Plan endHomeSaves() {
        return plan(withLabel("app.kubernetes.io/component", "home-save"), Outcome.SUCCEED, Duration.ofMillis(200));
    }

    /** A predicate for {@link #plan}: pods whose label has this value. */
    public static Predicate<Pod> withLabel(String key, String value) {
        return pod -> pod.getMetadata().getLabels() != null && value.equals(pod.getMetadata().getLabels().get(key));
    }

    public void clearPlans() {
        plans.clear();
    }

    // -------------------------------------------------------------------------------------------------------- commands

    /**
     * Ends the pod's containers with this exit code (0: Succeeded/Completed, otherwise Failed/Error, subject to the
     * restart policy). On a pod not yet Running this becomes its outcome, reached as soon as it runs.
     *
     * @return false if the pod had already ended
     * @throws IllegalArgumentException if there is no such pod
     */
    public boolean finish(String podName, int exitCode) {
        return command(podName, Outcome.exit(exitCode));
    }

    /** The container is OOM-killed (exit 137). See {@link #finish}. */
    public boolean oomKill(String podName) {
        return command(podName, Outcome.OOM_KILLED);
    }

    /** The pod is evicted for ephemeral storage (Failed, reason Evicted). See {@link #finish}. */
    public boolean evictForDisk(String podName) {
        return command(podName, Outcome.EVICTED_DISK);
    }

    /**
     * Moves an unschedulable pod on: bound, then Running, then whatever a command issued meanwhile said, otherwise it
     * runs forever. A pod that has not reached the scheduler yet just loses its UNSCHEDULABLE outcome.
     *
     * @return false if the pod is not waiting for a node
     */
    public boolean schedule(String podName) {
        return schedule(podName, null, Duration.ZERO);
    }

    /** Like {@link #schedule(String)}, then {@code then} after {@code runFor} of Running. */
    public boolean schedule(String podName, Outcome then, Duration runFor) {
        if (then != null && then.kind() == Outcome.Kind.UNSCHEDULABLE) {
            throw new IllegalArgumentException("schedule(..) cannot make a pod unschedulable");
        }
        return call(() -> {
            Track t = requireTrack(podName);
            if (t == null) {
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
        });
    }

    private boolean command(String podName, Outcome outcome) {
        return call(() -> {
            Track t = tracks.get(podName);
            if (t == null) {
                Pod pod = client.pods().inNamespace(namespace).withName(podName).get();
                if (pod == null) {
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
                    cancelTimer(t);
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
        });
    }

    /** Names of the pods the kubelet is currently looking after (ended ones included until deleted). */
    public Set<String> trackedPods() {
        return new TreeSet<>(tracks.keySet());
    }

    // ------------------------------------------------------------------------------------------------------------ logs

    /**
     * Appends to the pod's log. With {@link KubernetesApiServer} the text is also served by
     * {@code client.pods().withName(podName).getLog()}; with another API (e.g. Quarkus' mock) only {@link #logOf}.
     *
     * @throws IllegalArgumentException if the API server says there is no such pod
     */
    public void appendLog(String podName, String text) {
        Objects.requireNonNull(text, "text");
        if (serverServesLogs()) {
            String answer;
            try {
                answer = client.raw(ApiDispatcher.LOG_APPEND_PREFIX + "namespaces/" + namespace + "/pods/" + podName
                        + "/log", "POST", text);
            } catch (KubernetesClientException e) {
                if (e.getCode() == 404) {
                    answer = null;
                } else {
                    throw e;
                }
            }
            if (answer == null) {
                throw new IllegalArgumentException("no pod " + namespace + "/" + podName);
            }
        }
        StringBuilder sb = logs.computeIfAbsent(podName, k -> new StringBuilder());
        synchronized (sb) {
            sb.append(text);
        }
    }

    /** What {@link #appendLog} wrote for the pod (empty if nothing). */
    public String logOf(String podName) {
        StringBuilder sb = logs.get(podName);
        if (sb == null) {
            return "";
        }
        synchronized (sb) {
            return sb.toString();
        }
    }

    /** Whether the API server serves pods/log from what {@link #appendLog} writes (true for {@link KubernetesApiServer}). */
    public boolean serverServesLogs() {
        Boolean known = serverServesLogs;
        if (known == null) {
            String answer;
            try {
                answer = client.raw(ApiDispatcher.PING_PATH);
            } catch (KubernetesClientException e) {
                answer = null;
            }
            known = ApiDispatcher.PING_ANSWER.equals(answer);
            serverServesLogs = known;
            if (!known) {
                LOG.debugf("the API server at %s does not serve fake pod logs; use logOf(..)",
                        client.getConfiguration().getMasterUrl());
            }
        }
        return known;
    }

    // ----------------------------------------------------------------------------------------------------- lifecycle

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        SharedIndexInformer<Pod> i = informer;
        try {
            if (i != null) {
                i.close();
            }
        } finally {
            executor.shutdownNow();
            try {
                if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                    LOG.warnf("fake kubelet for %s did not stop within 5 s", namespace);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            tracks.clear();
            LOG.debugf("fake kubelet for namespace %s stopped", namespace);
        }
    }

    // --------------------------------------------------------------------------------------------------- the node side

    private void observe(Pod pod) {
        String name = pod.getMetadata().getName();
        Track t = tracks.get(name);
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

    private void admit(Pod pod) {
        Track t = new Track(pod);
        tracks.put(t.name, t);
        Choice choice = choose(pod);
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

    private Choice choose(Pod pod) {
        Outcome command = queued.remove(pod.getMetadata().getName());
        if (command != null) {
            return new Choice(command, Duration.ZERO, "command");
        }
        Choice fromAnnotations = fromAnnotations(pod);
        if (fromAnnotations != null) {
            return fromAnnotations;
        }
        for (int i = plans.size() - 1; i >= 0; i--) {
            Plan plan;
            try {
                plan = plans.get(i);
            } catch (IndexOutOfBoundsException e) {
                continue; // cancelled meanwhile
            }
            boolean matches;
            try {
                matches = plan.match.test(pod);
            } catch (RuntimeException e) {
                LOG.warnf(e, "plan predicate failed for pod %s/%s", namespace, pod.getMetadata().getName());
                matches = false;
            }
            if (matches) {
                return new Choice(plan.outcome, plan.runFor, "plan");
            }
        }
        return new Choice(Outcome.RUN_FOREVER, Duration.ZERO, "default");
    }

    private Choice fromAnnotations(Pod pod) {
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        if (annotations == null) {
            return null;
        }
        String kind = annotations.get(OUTCOME_ANNOTATION);
        String exitCode = annotations.get(EXIT_CODE_ANNOTATION);
        String runMillis = annotations.get(RUN_MILLIS_ANNOTATION);
        if (kind == null && exitCode == null) {
            return null;
        }
        try {
            Duration runFor = runMillis == null ? DEFAULT_RUN_FOR : Duration.ofMillis(Long.parseLong(runMillis.trim()));
            Integer code = exitCode == null ? null : Integer.valueOf(exitCode.trim());
            Outcome outcome;
            if (kind == null) {
                outcome = Outcome.exit(code);
            } else {
                switch (kind.trim().toLowerCase(Locale.ROOT)) {
                    case "succeed":
                    case "success":
                    case "succeeded":
                        outcome = Outcome.SUCCEED;
                        break;
                    case "fail":
                    case "failed":
                    case "error":
                        outcome = Outcome.exit(code == null ? 1 : code);
                        break;
                    case "oom":
                    case "oomkilled":
                    case "oom-killed":
                        outcome = Outcome.OOM_KILLED;
                        break;
                    case "evict-disk":
                    case "evicted":
                    case "evict":
                        outcome = Outcome.EVICTED_DISK;
                        break;
                    case "unschedulable":
                        outcome = Outcome.UNSCHEDULABLE;
                        break;
                    case "run":
                    case "run-forever":
                        outcome = Outcome.RUN_FOREVER;
                        break;
                    default:
                        LOG.warnf("pod %s/%s: unknown %s '%s', ignored", namespace, pod.getMetadata().getName(),
                                OUTCOME_ANNOTATION, kind);
                        return null;
                }
            }
            return new Choice(outcome, runFor, "annotations");
        } catch (RuntimeException e) {
            LOG.warnf("pod %s/%s: bad fake-kubelet annotations (%s), ignored", namespace, pod.getMetadata().getName(),
                    e.toString());
            return null;
        }
    }

    /** The scheduler's part: unschedulable, or bound to the node. */
    private void decide(Track t) {
        if (t.outcome.kind() == Outcome.Kind.UNSCHEDULABLE) {
            String message = "0/3 nodes are available: 3 Insufficient " + scarceResource(t) + ".";
            if (write(t, PodStatuses.unschedulable(t, message), "Pending, unschedulable: " + message)) {
                t.stage = Stage.UNSCHEDULABLE;
            }
            return;
        }
        bind(t);
    }

    private void bind(Track t) {
        String nodeName = t.pod.getSpec() == null ? null : t.pod.getSpec().getNodeName();
        if (nodeName == null || nodeName.isEmpty()) {
            try {
                t.pod = client.pods().inNamespace(namespace).withName(t.name).patch(
                        PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"nodeName\":\"" + NODE_NAME + "\"}}");
                LOG.debugf("pod %s/%s: bound to %s", namespace, t.name, NODE_NAME);
            } catch (KubernetesClientException e) {
                if (e.getCode() == 404) {
                    drop(t, "vanished");
                    return;
                }
                throw e;
            }
        }
        t.startTime = now();
        if (write(t, PodStatuses.containerCreating(t), "Pending, scheduled on " + NODE_NAME + ", ContainerCreating")) {
            t.stage = Stage.BOUND;
            later(t, stepDelay, this::run);
        }
    }

    private void run(Track t) {
        t.podIP = "10.244.0." + (2 + Math.floorMod(nextIp.getAndIncrement(), 250));
        t.containerStartedAt = now();
        if (write(t, PodStatuses.running(t), "Running (podIP " + t.podIP + ")")) {
            t.stage = Stage.RUNNING;
            arm(t);
        }
    }

    private void adoptRunning(Track t, PodStatus status) {
        t.startTime = status.getStartTime() != null ? status.getStartTime() : now();
        t.podIP = status.getPodIP() != null ? status.getPodIP() : "10.244.0." + (2 + nextIp.getAndIncrement() % 250);
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

    private void arm(Track t) {
        Outcome.Kind kind = t.outcome.kind();
        if (kind == Outcome.Kind.RUN_FOREVER || kind == Outcome.Kind.UNSCHEDULABLE) {
            return;
        }
        Outcome outcome = t.outcome;
        later(t, t.runFor, tt -> end(tt, outcome));
    }

    /** The containers of a Running pod end (or it is evicted). */
    private void end(Track t, Outcome outcome) {
        switch (outcome.kind()) {
            case RUN_FOREVER:
            case UNSCHEDULABLE:
                return;
            case EVICTED_DISK: {
                Container main = t.containers().get(0);
                String message = "The node was low on resource: ephemeral-storage. Container " + main.getName()
                        + " was using 12Gi, which exceeds its request of " + ephemeralRequest(main) + ". ";
                if (write(t, PodStatuses.evicted(t, message, "The node was low on resource: ephemeral-storage. "),
                        "Failed, Evicted: " + message)) {
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
            t.containerStartedAt = now();
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
    private void killForDeletion(Track t) {
        if (t.killed) {
            return;
        }
        t.killed = true;
        cancelTimer(t);
        if (t.stage == Stage.RUNNING || t.stage == Stage.BOUND) {
            if (t.containerStartedAt == null) {
                t.containerStartedAt = now();
            }
            if (write(t, PodStatuses.terminated(t, 143, "Error"), "Failed (deleted, containers stopped, exit 143)")) {
                t.stage = Stage.TERMINATED;
            }
        } else if (t.stage != Stage.TERMINATED) {
            LOG.debugf("pod %s/%s: marked for deletion before it ran", namespace, t.name);
        }
    }

    private void gone(Pod pod) {
        String name = pod.getMetadata().getName();
        Track t = tracks.get(name);
        if (t != null && Objects.equals(t.uid, pod.getMetadata().getUid())) {
            drop(t, "deleted");
        }
        queued.remove(name);
        logs.remove(name);
    }

    private void drop(Track t, String why) {
        if (tracks.remove(t.name, t)) {
            cancelTimer(t);
            LOG.debugf("pod %s/%s: %s, forgotten", namespace, t.name, why);
        }
    }

    // --------------------------------------------------------------------------------------------------------- helpers

    /** Writes the whole status through the status subresource. False if the pod is gone. */
    private boolean write(Track t, PodStatus status, String what) {
        try {
            client.pods().inNamespace(namespace).withName(t.name).editStatus(p -> {
                if (!Objects.equals(p.getMetadata().getUid(), t.uid)) {
                    return p; // a different pod by now: leave it alone
                }
                p.setStatus(status);
                return p;
            });
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                drop(t, "vanished");
                return false;
            }
            throw e;
        }
        LOG.debugf("pod %s/%s: %s", namespace, t.name, what);
        return true;
    }

    private static String scarceResource(Track t) {
        boolean memory = false;
        for (Container c : t.containers()) {
            if (c.getResources() == null) {
                continue;
            }
            for (Map<String, Quantity> m : java.util.Arrays.asList(c.getResources().getRequests(),
                    c.getResources().getLimits())) {
                if (m == null) {
                    continue;
                }
                if (m.containsKey("nvidia.com/gpu")) {
                    return "nvidia.com/gpu";
                }
                memory |= m.containsKey("memory");
            }
        }
        return memory ? "memory" : "nvidia.com/gpu";
    }

    private static String ephemeralRequest(Container c) {
        if (c.getResources() != null && c.getResources().getRequests() != null) {
            Quantity q = c.getResources().getRequests().get("ephemeral-storage");
            if (q != null) {
                return q.toString();
            }
        }
        return "0";
    }

    private void later(Track t, Duration delay, Consumer<Track> step) {
        cancelTimer(t);
        try {
            t.next = executor.schedule(() -> {
                if (!closed && tracks.get(t.name) == t) {
                    try {
                        step.accept(t);
                    } catch (RuntimeException e) {
                        LOG.warnf(e, "fake kubelet: step failed for pod %s/%s", namespace, t.name);
                    }
                }
            }, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    private static void cancelTimer(Track t) {
        if (t.next != null) {
            t.next.cancel(false);
            t.next = null;
        }
    }

    private Track requireTrack(String podName) {
        Track t = tracks.get(podName);
        if (t == null && client.pods().inNamespace(namespace).withName(podName).get() == null) {
            throw new IllegalArgumentException("no pod " + namespace + "/" + podName);
        }
        return t;
    }

    private void post(Runnable task) {
        if (closed) {
            return;
        }
        try {
            executor.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.warnf(e, "fake kubelet for %s: event handling failed", namespace);
                }
            });
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    private <T> T call(Callable<T> task) {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        if (!started.get()) {
            throw new IllegalStateException("not started");
        }
        if (Thread.currentThread() == executorThread) {
            try {
                return task.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        Future<T> f = executor.submit(task);
        try {
            return f.get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException) {
                throw (RuntimeException) e.getCause();
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new IllegalStateException("fake kubelet did not answer within " + COMMAND_TIMEOUT, e);
        }
    }

    static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
