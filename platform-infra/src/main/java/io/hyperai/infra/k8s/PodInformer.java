package io.hyperai.infra.k8s;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * Watches the namespace's pods, whoever creates them, and hands every event to the {@link PodLifecycle} on the
 * {@link NodeThread}; a deleted pod's log goes with it.
 */
final class PodInformer implements AutoCloseable {

    private final SharedIndexInformer<Pod> informer;

    PodInformer(KubernetesClient client, String namespace, NodeThread node, PodLifecycle lifecycle, PodLogs logs) {
        this.informer = client.pods().inNamespace(namespace).inform(new ResourceEventHandler<Pod>() {
            @Override
            public void onAdd(Pod pod) {
                node.post(() -> lifecycle.observe(pod));
            }

            @Override
            public void onUpdate(Pod oldPod, Pod pod) {
                node.post(() -> lifecycle.observe(pod));
            }

            @Override
            public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
                node.post(() -> {
                    lifecycle.gone(pod);
                    logs.forget(pod.getMetadata().getName());
                });
            }
        }, 0);
    }

    @Override
    public void close() {
        informer.close();
    }
}
