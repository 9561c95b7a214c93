package io.hyperai.infra.k8s;

import java.util.Objects;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.jboss.logging.Logger;

/**
 * The fake kubelet's calls to the API server: the binding, whole statuses through the status subresource (one write
 * per step, so watchers see each), and whether a pod exists. A pod that is gone answers null or false, never throws.
 */
final class PodStatusWriter {

    private static final Logger LOG = Logger.getLogger(PodStatusWriter.class);

    private final KubernetesClient client;
    private final String namespace;

    PodStatusWriter(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    /** The scheduler's binding, as a patch of {@code spec.nodeName}; the pod as it is now, or null if it is gone. */
    Pod bind(String podName, String nodeName) {
        try {
            Pod pod = client.pods().inNamespace(namespace).withName(podName).patch(PatchContext.of(PatchType.JSON_MERGE),
                    "{\"spec\":{\"nodeName\":\"" + nodeName + "\"}}");
            LOG.debugf("pod %s/%s: bound to %s", namespace, podName, nodeName);
            return pod;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return null;
            }
            throw e;
        }
    }

    /** Replaces the status of the pod {@code t} tracks (not of a new pod by the same name). False if it is gone. */
    boolean write(PodTrack t, PodStatus status, String what) {
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
                return false;
            }
            throw e;
        }
        LOG.debugf("pod %s/%s: %s", namespace, t.name, what);
        return true;
    }

    boolean exists(String podName) {
        return client.pods().inNamespace(namespace).withName(podName).get() != null;
    }
}
