package io.hyperai.infra.k8s;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;

/** Records the watch events of one pod, as the execution service would see them. */
final class PodRecorder implements Watcher<Pod>, AutoCloseable {

    record Event(Action action, Pod pod) {
        String phase() {
            return pod.getStatus() == null || pod.getStatus().getPhase() == null ? "<none>" : pod.getStatus().getPhase();
        }
    }

    final List<Event> events = new CopyOnWriteArrayList<>();
    private Watch watch;

    static PodRecorder watch(KubernetesClient client, String namespace, String name) {
        PodRecorder r = new PodRecorder();
        r.watch = client.pods().inNamespace(namespace).withName(name).watch(r);
        return r;
    }

    @Override
    public void eventReceived(Action action, Pod pod) {
        events.add(new Event(action, pod));
    }

    @Override
    public void onClose(WatcherException cause) {
    }

    /** The phases seen, consecutive repeats collapsed. */
    List<String> phases() {
        List<String> result = new ArrayList<>();
        for (Event e : events) {
            if (e.action() == Action.DELETED) {
                continue;
            }
            String p = e.phase();
            if (result.isEmpty() || !result.get(result.size() - 1).equals(p)) {
                result.add(p);
            }
        }
        return result;
    }

    Pod last() {
        return events.isEmpty() ? null : events.get(events.size() - 1).pod();
    }

    String lastPhase() {
        return events.isEmpty() ? null : events.get(events.size() - 1).phase();
    }

    boolean saw(java.util.function.Predicate<Pod> p) {
        return events.stream().anyMatch(e -> e.action() != Action.DELETED && p.test(e.pod()));
    }

    @Override
    public void close() {
        if (watch != null) {
            watch.close();
        }
    }

    // ---------------------------------------------------------------------------------------------- pod helpers

    static Pod pod(String name, Map<String, String> labels, Map<String, String> annotations, String restartPolicy) {
        Container main = new ContainerBuilder().withName("main").withImage("python:3.12-slim")
                .withCommand("python", "/work/main.py")
                .withNewResources()
                .addToLimits("cpu", new Quantity("1")).addToLimits("memory", new Quantity("1Gi"))
                .addToLimits("nvidia.com/gpu", new Quantity("1"))
                .endResources()
                .build();
        return new PodBuilder().withNewMetadata().withName(name).withLabels(labels).withAnnotations(annotations)
                .endMetadata()
                .withNewSpec().withRestartPolicy(restartPolicy).withContainers(main).endSpec()
                .build();
    }

    static Pod script(String name, Map<String, String> annotations) {
        return pod(name, Map.of("hyperai.io/execution-id", name, "hyperai.io/gear-id", "gear-1",
                "hyperai.io/user-id", "user-1"), annotations, "Never");
    }

    static Optional<PodCondition> condition(Pod pod, String type) {
        if (pod == null || pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return pod.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    static boolean conditionIs(Pod pod, String type, String status) {
        return condition(pod, type).map(c -> status.equals(c.getStatus())).orElse(false);
    }

    static ContainerStatus main(Pod pod) {
        return pod.getStatus().getContainerStatuses().get(0);
    }

    static String phase(Pod pod) {
        return pod == null || pod.getStatus() == null ? null : pod.getStatus().getPhase();
    }
}
