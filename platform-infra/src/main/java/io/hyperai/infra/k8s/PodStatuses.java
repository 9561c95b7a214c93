package io.hyperai.infra.k8s;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HostIP;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/** The pod statuses a real node would write, shaped like those of Kubernetes 1.28-1.31. */
final class PodStatuses {

    static final String PENDING = "Pending";
    static final String RUNNING = "Running";
    static final String SUCCEEDED = "Succeeded";
    static final String FAILED = "Failed";
    static final String HOST_IP = "10.0.0.11";
    static final String DISK_PRESSURE = "The node was low on resource: ephemeral-storage. ";

    private PodStatuses() {
    }

    /** The QoS class the API server derives from the containers' cpu and memory requests and limits. */
    static String qosClass(PodSpec spec) {
        if (spec == null) {
            return "BestEffort";
        }
        List<Container> containers = Stream.concat(
                spec.getContainers() == null ? Stream.empty() : spec.getContainers().stream(),
                spec.getInitContainers() == null ? Stream.empty() : spec.getInitContainers().stream())
                .collect(Collectors.toList());
        boolean any = false;
        boolean guaranteed = !containers.isEmpty();
        for (Container c : containers) {
            ResourceRequirements r = c.getResources();
            Map<String, Quantity> requests = r == null || r.getRequests() == null ? Map.of() : r.getRequests();
            Map<String, Quantity> limits = r == null || r.getLimits() == null ? Map.of() : r.getLimits();
            for (String resource : List.of("cpu", "memory")) {
                Quantity limit = limits.get(resource);
                Quantity request = requests.getOrDefault(resource, limit);
                if (limit != null || request != null) {
                    any = true;
                }
                if (limit == null || !sameAmount(limit, request)) {
                    guaranteed = false;
                }
            }
        }
        if (!any) {
            return "BestEffort";
        }
        return guaranteed ? "Guaranteed" : "Burstable";
    }

    private static boolean sameAmount(Quantity a, Quantity b) {
        if (b == null) {
            return false;
        }
        try {
            BigDecimal x = a.getNumericalAmount();
            BigDecimal y = b.getNumericalAmount();
            return x.compareTo(y) == 0;
        } catch (RuntimeException e) {
            return a.equals(b);
        }
    }

    static PodStatus accepted(PodTrack t) {
        return new PodStatusBuilder().withPhase(PENDING).withQosClass(t.qosClass).build();
    }

    static PodStatus unschedulable(PodTrack t, String message) {
        return new PodStatusBuilder().withPhase(PENDING).withQosClass(t.qosClass)
                .withConditions(t.condition("PodScheduled", false, "Unschedulable", message))
                .build();
    }

    static PodStatus containerCreating(PodTrack t) {
        String unready = "containers with unready status: [" + String.join(" ", t.containerNames()) + "]";
        return node(t).withPhase(PENDING)
                .withConditions(
                        t.condition("PodReadyToStartContainers", false, null, null),
                        t.condition("Initialized", true, null, null),
                        t.condition("Ready", false, "ContainersNotReady", unready),
                        t.condition("ContainersReady", false, "ContainersNotReady", unready),
                        t.condition("PodScheduled", true, null, null))
                .withContainerStatuses(containers(t, c -> new ContainerStateBuilder().withNewWaiting()
                        .withReason("ContainerCreating").endWaiting().build(), false))
                .build();
    }

    static PodStatus running(PodTrack t) {
        return node(t).withPhase(RUNNING)
                .withPodIP(t.podIP).withPodIPs(new PodIP(t.podIP))
                .withConditions(
                        t.condition("PodReadyToStartContainers", true, null, null),
                        t.condition("Initialized", true, null, null),
                        t.condition("Ready", true, null, null),
                        t.condition("ContainersReady", true, null, null),
                        t.condition("PodScheduled", true, null, null))
                .withContainerStatuses(containers(t, c -> new ContainerStateBuilder().withNewRunning()
                        .withStartedAt(t.containerStartedAt).endRunning().build(), true))
                .build();
    }

    /** Containers ended on their own: phase Succeeded (all exited 0) or Failed. */
    static PodStatus terminated(PodTrack t, int exitCode, String reason) {
        boolean ok = exitCode == 0;
        String podReason = ok ? "PodCompleted" : "PodFailed";
        return node(t).withPhase(ok ? SUCCEEDED : FAILED)
                .withPodIP(t.podIP).withPodIPs(new PodIP(t.podIP))
                .withConditions(
                        t.condition("PodReadyToStartContainers", false, null, null),
                        t.condition("Initialized", true, ok ? "PodCompleted" : null, null),
                        t.condition("Ready", false, podReason, null),
                        t.condition("ContainersReady", false, podReason, null),
                        t.condition("PodScheduled", true, null, null))
                .withContainerStatuses(containers(t, c -> terminatedState(t, c, exitCode, reason), false))
                .build();
    }

    /** Evicted by the kubelet (node pressure or ephemeral-storage limit): phase Failed, reason Evicted. */
    static PodStatus evicted(PodTrack t, String message, String disruption) {
        return node(t).withPhase(FAILED)
                .withReason("Evicted").withMessage(message)
                .withPodIP(t.podIP).withPodIPs(new PodIP(t.podIP))
                .withConditions(
                        t.condition("DisruptionTarget", true, "TerminationByKubelet", disruption),
                        t.condition("PodReadyToStartContainers", false, null, null),
                        t.condition("Initialized", true, null, null),
                        t.condition("Ready", false, "PodFailed", null),
                        t.condition("ContainersReady", false, "PodFailed", null),
                        t.condition("PodScheduled", true, null, null))
                .withContainerStatuses(containers(t, c -> terminatedState(t, c, 137, "Error"), false))
                .build();
    }

    static ContainerState terminatedState(PodTrack t, Container c, int exitCode, String reason) {
        return new ContainerStateBuilder().withNewTerminated()
                .withExitCode(exitCode)
                .withReason(reason)
                .withStartedAt(t.containerStartedAt)
                .withFinishedAt(now())
                .withContainerID(t.containerId(c.getName()))
                .endTerminated().build();
    }

    private static PodStatusBuilder node(PodTrack t) {
        return new PodStatusBuilder()
                .withQosClass(t.qosClass)
                .withHostIP(HOST_IP).withHostIPs(new HostIP(HOST_IP))
                .withStartTime(t.startTime);
    }

    private static List<ContainerStatus> containers(PodTrack t, Function<Container, ContainerState> stateOf,
            boolean ready) {
        List<ContainerStatus> result = new ArrayList<>();
        for (Container c : t.containers()) {
            ContainerState state = stateOf.apply(c);
            boolean started = state.getRunning() != null;
            boolean hasId = state.getWaiting() == null;
            String image = c.getImage() == null ? "unknown" : c.getImage();
            result.add(new ContainerStatusBuilder()
                    .withName(c.getName())
                    .withImage(image)
                    .withImageID(hasId ? "docker.io/" + image + "@sha256:" + sha256Hex(image) : "")
                    .withContainerID(hasId ? t.containerId(c.getName()) : null)
                    .withReady(ready)
                    .withStarted(started)
                    .withRestartCount(t.restartCount)
                    .withState(state)
                    .withLastState(t.lastTerminated.containsKey(c.getName())
                            ? new ContainerStateBuilder().withTerminated(t.lastTerminated.get(c.getName())).build()
                            : new ContainerState())
                    .build());
        }
        return result;
    }

    static PodCondition condition(String type, boolean status, String reason, String message, String lastTransitionTime) {
        PodCondition c = new PodCondition();
        c.setType(type);
        c.setStatus(status ? "True" : "False");
        c.setReason(reason);
        c.setMessage(message);
        c.setLastTransitionTime(lastTransitionTime);
        c.setLastProbeTime(null);
        return c;
    }

    /** Why the scheduler found no node, naming the resource the pod asks for that a real cluster would lack. */
    static String unschedulableMessage(PodTrack t) {
        return "0/3 nodes are available: 3 Insufficient " + scarceResource(t) + ".";
    }

    /** What a kubelet says when it evicts a pod for using more disk than its request. */
    static String diskEvictionMessage(PodTrack t) {
        Container main = t.containers().get(0);
        return DISK_PRESSURE + "Container " + main.getName() + " was using 12Gi, which exceeds its request of "
                + ephemeralRequest(main) + ". ";
    }

    private static String scarceResource(PodTrack t) {
        boolean memory = false;
        for (Container c : t.containers()) {
            if (c.getResources() == null) {
                continue;
            }
            for (Map<String, Quantity> m : Arrays.asList(c.getResources().getRequests(), c.getResources().getLimits())) {
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
