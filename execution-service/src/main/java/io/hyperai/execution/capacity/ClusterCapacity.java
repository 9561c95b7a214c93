package io.hyperai.execution.capacity;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToLongFunction;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.hyperai.execution.runtime.PodFactory;

/**
 * The cluster's capacity for executions: per pool, the allocatable resources of the schedulable, ready nodes of that
 * pool (nodes labelled {@code hyperai.io/gpu-model} form that model's pool, the others the CPU pool), bounded as a
 * whole by the executions namespace's ResourceQuota. Read from the API server at most once per refresh interval; a
 * failed read keeps the last answer (or none: then nothing is dispatched and nothing refused).
 */
public final class ClusterCapacity implements CapacitySource {

    private static final Logger LOG = Logger.getLogger(ClusterCapacity.class);
    public static final String GPU_MODEL_LABEL = "hyperai.io/gpu-model";

    private final KubernetesClient client;
    private final String namespace;
    private final Duration refresh;
    private volatile Capacities last = new Capacities(Map.of(), Amount.ZERO, false);
    private volatile Instant readAt = Instant.EPOCH;

    public ClusterCapacity(KubernetesClient client, String namespace, Duration refresh) {
        this.client = client;
        this.namespace = namespace;
        this.refresh = refresh;
    }

    @Override
    public Capacities current() {
        if (fresh()) {
            return last;
        }
        try {
            last = read(client.nodes().list().getItems(),
                    client.resourceQuotas().inNamespace(namespace).list().getItems());
            readAt = Instant.now();
        } catch (RuntimeException e) {
            LOG.warnf("the cluster's capacity could not be read; the last known is used: %s", e.getMessage());
        }
        return last;
    }

    /** The last answer while it is younger than the refresh interval: a start needs no worker to learn it. */
    @Override
    public Optional<Capacities> known() {
        return fresh() ? Optional.of(last) : Optional.empty();
    }

    private boolean fresh() {
        return readAt.plus(refresh).isAfter(Instant.now());
    }

    static Capacities read(List<Node> nodes, List<ResourceQuota> quotas) {
        Map<String, Amount> pools = new HashMap<>();
        for (Node node : nodes) {
            if (!schedulable(node)) {
                continue;
            }
            Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of()
                    : node.getMetadata().getLabels();
            String pool = labels.containsKey(GPU_MODEL_LABEL) ? Pools.gpu(labels.get(GPU_MODEL_LABEL)) : Pools.CPU;
            Map<String, Quantity> allocatable = node.getStatus() == null || node.getStatus().getAllocatable() == null
                    ? Map.of() : node.getStatus().getAllocatable();
            Amount amount = new Amount(milli(allocatable.get("cpu")), mib(allocatable.get("memory")),
                    whole(allocatable.get(PodFactory.GPU_RESOURCE)),
                    allocatable.containsKey("pods") ? whole(allocatable.get("pods")) : Amount.UNBOUNDED);
            pools.merge(pool, amount, Amount::plus);
        }
        Amount overall = Amount.UNLIMITED;
        for (ResourceQuota quota : quotas) {
            Map<String, Quantity> hard = quota.getSpec() == null || quota.getSpec().getHard() == null ? Map.of()
                    : quota.getSpec().getHard();
            overall = overall.min(new Amount(
                    bound(hard, ClusterCapacity::milli, "requests.cpu", "cpu", "limits.cpu"),
                    bound(hard, ClusterCapacity::mib, "requests.memory", "memory", "limits.memory"),
                    bound(hard, ClusterCapacity::whole, "requests." + PodFactory.GPU_RESOURCE,
                            "limits." + PodFactory.GPU_RESOURCE),
                    bound(hard, ClusterCapacity::whole, "pods")));
        }
        return new Capacities(Map.copyOf(pools), overall, true);
    }

    /** The smallest of the quota's values that bound this dimension (an execution's requests equal its limits). */
    private static long bound(Map<String, Quantity> hard, ToLongFunction<Quantity> unit, String... keys) {
        long bound = Amount.UNBOUNDED;
        for (String key : keys) {
            if (hard.containsKey(key)) {
                bound = Math.min(bound, unit.applyAsLong(hard.get(key)));
            }
        }
        return bound;
    }

    private static boolean schedulable(Node node) {
        if (node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable())) {
            return false;
        }
        if (node.getStatus() == null || node.getStatus().getConditions() == null) {
            return true; // a node that reports no conditions (yet) is taken as it says it is
        }
        return node.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType()))
                .allMatch(c -> "True".equals(c.getStatus()));
    }

    private static long milli(Quantity q) {
        return q == null ? 0 : Quantity.getAmountInBytes(q).multiply(java.math.BigDecimal.valueOf(1000)).longValue();
    }

    private static long mib(Quantity q) {
        return q == null ? 0 : Quantity.getAmountInBytes(q).longValue() >> 20;
    }

    private static long whole(Quantity q) {
        return q == null ? 0 : Quantity.getAmountInBytes(q).longValue();
    }
}
