package io.hyperai.infra.k8s;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
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
 * The parts, one concern each: {@link PodInformer} (the watch), {@link PodLifecycle} (the per-pod state machine and
 * the commands), {@link PodStatusWriter} (the API writes), {@link Plans} and {@link OutcomeAnnotations} (choosing the
 * outcome), {@link PodLogs} (the logs), {@link HomeSavePods} (execution-service's save pods). All work runs on one
 * {@link NodeThread}; {@link #close()} stops it. Transitions are logged at DEBUG.
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
    public static final class Plan implements AutoCloseable {
        private final Plans owner;
        private final Predicate<Pod> match;
        private final Outcome outcome;
        private final Duration runFor;

        Plan(Plans owner, Predicate<Pod> match, Outcome outcome, Duration runFor) {
            this.owner = owner;
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

        boolean matches(Pod pod) {
            return match.test(pod);
        }

        /** Pods that appear from now on no longer use this plan. */
        public void cancel() {
            owner.remove(this);
        }

        @Override
        public void close() {
            cancel();
        }
    }

    private final KubernetesClient client;
    private final String namespace;
    private final NodeThread node;
    private final Plans plans = new Plans();
    private final PodLifecycle lifecycle;
    private final PodLogs logs;
    private final AtomicBoolean started = new AtomicBoolean();
    private final List<io.fabric8.kubernetes.api.model.Node> nodes = new java.util.ArrayList<>();
    private volatile PodInformer informer;

    public FakeKubelet(KubernetesClient client, String namespace) {
        this.client = Objects.requireNonNull(client, "client");
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.node = new NodeThread(namespace);
        this.lifecycle = new PodLifecycle(namespace, node, new PodStatusWriter(client, namespace), plans);
        this.logs = new PodLogs(client, namespace);
    }

    /** Pause between Pending, scheduled and Running (default {@link #DEFAULT_STEP_DELAY}); may be zero. */
    public FakeKubelet withStepDelay(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("negative step delay");
        }
        lifecycle.stepDelay(delay);
        return this;
    }

    public String namespace() {
        return namespace;
    }

    /**
     * Another node to register with the API server when started, beside {@value #NODE_NAME}, a large CPU node (nodes
     * are the cluster's capacity: their allocatable resources, e.g. {@code cpu}, {@code memory},
     * {@code nvidia.com/gpu}, {@code pods}). A node that exists already (another kubelet's) is left as it is.
     */
    public FakeKubelet withNode(String name, Map<String, String> labels, Map<String, String> allocatable) {
        nodes.add(new io.fabric8.kubernetes.api.model.NodeBuilder().withNewMetadata().withName(name)
                .withLabels(labels).endMetadata().withNewStatus()
                .withAllocatable(quantities(allocatable)).withCapacity(quantities(allocatable))
                .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build());
        return this;
    }

    private static Map<String, io.fabric8.kubernetes.api.model.Quantity> quantities(Map<String, String> values) {
        Map<String, io.fabric8.kubernetes.api.model.Quantity> out = new java.util.LinkedHashMap<>();
        values.forEach((k, v) -> out.put(k, new io.fabric8.kubernetes.api.model.Quantity(v)));
        return out;
    }

    private void registerNodes() {
        withNode(NODE_NAME, Map.of(), Map.of("cpu", "1000", "memory", "8Ti", "pods", "100000"));
        for (io.fabric8.kubernetes.api.model.Node n : nodes) {
            try {
                client.nodes().resource(n).create();
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
            }
        }
    }

    /** Starts watching the namespace; pods that already exist are taken over (Pending ones are run). */
    public FakeKubelet start() {
        if (node.isClosed()) {
            throw new IllegalStateException("closed");
        }
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("already started");
        }
        registerNodes();
        informer = new PodInformer(client, namespace, node, lifecycle, logs);
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
        return plans.add(match, outcome, runFor);
    }

    /** {@link #plan(Predicate, Outcome, Duration)} with {@link #DEFAULT_RUN_FOR}. */
    public Plan plan(Predicate<Pod> match, Outcome outcome) {
        return plan(match, outcome, DEFAULT_RUN_FOR);
    }

    /** execution-service's save pods end as a real one does once its copy is done; see {@link HomeSavePods}. */
    public Plan endHomeSaves() {
        return plan(HomeSavePods.MATCH, Outcome.SUCCEED, HomeSavePods.COPY_TIME);
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
        return call(() -> lifecycle.schedule(podName, then, runFor));
    }

    private boolean command(String podName, Outcome outcome) {
        return call(() -> lifecycle.command(podName, outcome));
    }

    private <T> T call(Callable<T> task) {
        if (!node.isClosed() && !started.get()) {
            throw new IllegalStateException("not started");
        }
        return node.call(task);
    }

    /** Names of the pods the kubelet is currently looking after (ended ones included until deleted). */
    public Set<String> trackedPods() {
        return lifecycle.trackedPods();
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
        logs.append(podName, text);
    }

    /** What {@link #appendLog} wrote for the pod (empty if nothing). */
    public String logOf(String podName) {
        return logs.of(podName);
    }

    /** Whether the API server serves pods/log from what {@link #appendLog} writes (true for {@link KubernetesApiServer}). */
    public boolean serverServesLogs() {
        return logs.serverServesLogs();
    }

    // ----------------------------------------------------------------------------------------------------- lifecycle

    @Override
    public void close() {
        if (node.isClosed()) {
            return;
        }
        node.close(); // first, so that events the informer still delivers are dropped
        PodInformer i = informer;
        try {
            if (i != null) {
                i.close();
            }
        } finally {
            lifecycle.forgetAll();
            LOG.debugf("fake kubelet for namespace %s stopped", namespace);
        }
    }
}
