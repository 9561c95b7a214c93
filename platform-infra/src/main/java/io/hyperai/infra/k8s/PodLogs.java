package io.hyperai.infra.k8s;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.jboss.logging.Logger;

/**
 * The pods' logs: kept here for {@link FakeKubelet#logOf}, and pushed to {@link KubernetesApiServer} (through a path
 * only it serves) so that {@code pods/log} answers with them as on a real cluster. Safe from any thread.
 */
final class PodLogs {

    private static final Logger LOG = Logger.getLogger(PodLogs.class);

    private final KubernetesClient client;
    private final String namespace;
    private final Map<String, StringBuilder> logs = new ConcurrentHashMap<>();
    private volatile Boolean serverServesLogs;

    PodLogs(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    /** @throws IllegalArgumentException if the API server says there is no such pod */
    void append(String podName, String text) {
        if (serverServesLogs() && !push(podName, text)) {
            throw new IllegalArgumentException("no pod " + namespace + "/" + podName);
        }
        StringBuilder sb = logs.computeIfAbsent(podName, k -> new StringBuilder());
        synchronized (sb) {
            sb.append(text);
        }
    }

    private boolean push(String podName, String text) {
        try {
            return client.raw(ApiDispatcher.LOG_APPEND_PREFIX + "namespaces/" + namespace + "/pods/" + podName + "/log",
                    "POST", text) != null;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    String of(String podName) {
        StringBuilder sb = logs.get(podName);
        if (sb == null) {
            return "";
        }
        synchronized (sb) {
            return sb.toString();
        }
    }

    void forget(String podName) {
        logs.remove(podName);
    }

    /** Asked once: whether the API server is {@link KubernetesApiServer}, which serves what {@link #append} pushes. */
    boolean serverServesLogs() {
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
}
