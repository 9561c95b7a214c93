package io.hyperai.infra.k8s;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.hyperai.infra.k8s.FakeKubelet.Outcome;

/** What the fake kubelet knows about one pod. Touched only on the {@link NodeThread}. */
final class PodTrack {

    /** Where the pod is in the node's state machine ({@link PodLifecycle}). */
    enum Stage {
        ACCEPTED, UNSCHEDULABLE, BOUND, RUNNING, TERMINATED
    }

    final String name;
    final String uid;
    Pod pod;
    Stage stage = Stage.ACCEPTED;
    Outcome outcome;
    Duration runFor;
    /** What a command given while the pod waits for a node asks for once it is scheduled. */
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

    PodTrack(Pod pod) {
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
        return "containerd://" + PodStatuses.sha256Hex(uid + "/" + container + "/" + restartCount);
    }

    String restartPolicy() {
        String p = pod.getSpec() == null ? null : pod.getSpec().getRestartPolicy();
        return p == null || p.isEmpty() ? "Always" : p;
    }

    String nodeName() {
        return pod.getSpec() == null ? null : pod.getSpec().getNodeName();
    }

    void cancelTimer() {
        if (next != null) {
            next.cancel(false);
            next = null;
        }
    }

    /** A condition whose lastTransitionTime only moves when its status changes. */
    PodCondition condition(String type, boolean status, String reason, String message) {
        String value = status ? "True" : "False";
        String[] previous = conditions.get(type);
        String time = previous != null && value.equals(previous[0]) && previous[1] != null ? previous[1]
                : PodStatuses.now();
        conditions.put(type, new String[] { value, time });
        return PodStatuses.condition(type, status, reason, message, time);
    }
}
