package io.hyperai.infra.k8s;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import org.jboss.logging.Logger;

/**
 * A standalone Kubernetes API for tests and local runs: fabric8's mock API server in CRUD mode, plain HTTP,
 * on a loopback port, so that a local stack can point {@code quarkus.kubernetes-client.api-server-url} at
 * {@link #url()}.
 * <p>
 * On top of fabric8's CRUD behaviour it adds what a real API server does and the mock does not:
 * <ul>
 * <li>a pod created without a status gets {@code status.phase = Pending} (and a {@code qosClass}), a namespace
 * gets {@code status.phase = Active};</li>
 * <li>{@code GET /api/v1/namespaces/{ns}/pods/{name}/log} is served from a small log store that
 * {@link FakeKubelet#appendLog(String, String)} writes to (404 for a missing pod, 400 while the pod has not
 * started; {@code tailLines} and {@code limitBytes} are honoured, {@code follow} returns what is there and ends).</li>
 * </ul>
 * Everything else is fabric8's {@code KubernetesCrudDispatcher} (see the report in the tests for what it can and
 * cannot do), after fabric8's recorded expectations (its {@code /version} answer); a chosen pod's create can be
 * refused as a namespace's quota refuses it ({@link #refuseNextPodCreate}).
 */
public final class KubernetesApiServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(KubernetesApiServer.class);
    /** Default namespace of the clients made by {@link #client()} and {@link #newClient()}. */
    public static final String DEFAULT_NAMESPACE = "default";
    /** What {@code /version} reports. */
    public static final String GIT_VERSION = "v1.31.0-fabric8-mock";

    /*
     * MockWebServer logs every request at INFO through java.util.logging; a local stack with informers makes that
     * noisy. Held strongly so the level sticks (JUL keeps loggers weakly).
     */
    private static final java.util.logging.Logger MOCK_WEB_SERVER_JUL = java.util.logging.Logger
            .getLogger(MockWebServer.class.getName());

    static {
        if (MOCK_WEB_SERVER_JUL.getLevel() == null) {
            MOCK_WEB_SERVER_JUL.setLevel(java.util.logging.Level.WARNING);
        }
    }

    private final KubernetesMockServer server;
    private final ApiDispatcher dispatcher;
    private final int port;
    private final Object clientLock = new Object();
    private KubernetesClient client;
    private boolean closed;

    private KubernetesApiServer(KubernetesMockServer server, ApiDispatcher dispatcher, int port) {
        this.server = server;
        this.dispatcher = dispatcher;
        this.port = port;
    }

    /**
     * Starts the API server on 127.0.0.1.
     *
     * @param port the port, 0 for a random free one
     */
    public static KubernetesApiServer start(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        ApiDispatcher dispatcher = new ApiDispatcher(responses);
        KubernetesMockServer server = new KubernetesMockServer(new Context(Serialization.jsonMapper()),
                new MockWebServer(), responses, dispatcher, false);
        server.setVersionInfo(new VersionInfo.Builder().withMajor("1").withMinor("31").withGitVersion(GIT_VERSION)
                .withPlatform("linux/amd64").build());
        try {
            server.start(InetAddress.getLoopbackAddress(), port);
        } catch (RuntimeException e) {
            try {
                server.shutdown();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new IllegalStateException("could not start the Kubernetes mock API server on port " + port, e);
        }
        KubernetesApiServer api = new KubernetesApiServer(server, dispatcher, server.getPort());
        LOG.debugf("Kubernetes mock API server listening on %s", api.url());
        return api;
    }

    /** The base URL, e.g. {@code http://127.0.0.1:43121} (no trailing slash). */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /**
     * A shared client pointed at this server (namespace {@value #DEFAULT_NAMESPACE}); closed by {@link #close()}.
     */
    public KubernetesClient client() {
        synchronized (clientLock) {
            if (closed) {
                throw new IllegalStateException("the API server is closed");
            }
            if (client == null) {
                client = newClient(DEFAULT_NAMESPACE);
            }
            return client;
        }
    }

    /** A new client pointed at this server (namespace {@value #DEFAULT_NAMESPACE}); the caller closes it. */
    public KubernetesClient newClient() {
        return newClient(DEFAULT_NAMESPACE);
    }

    /** A new client pointed at this server with the given default namespace; the caller closes it. */
    public KubernetesClient newClient(String namespace) {
        return new KubernetesClientBuilder().withConfig(clientConfig(namespace)).build();
    }

    /**
     * A client configuration that uses nothing from the environment (no kubeconfig, no service account token, no
     * KUBERNETES_* variables).
     */
    public Config clientConfig(String namespace) {
        return new ConfigBuilder(Config.empty())
                .withMasterUrl(url())
                .withNamespace(namespace)
                .withHttp2Disable(true)
                .withTrustCerts(true)
                .build();
    }

    /** Creates the namespace unless it exists; returns it. */
    public Namespace createNamespace(String name) {
        KubernetesClient c = client();
        Namespace existing = c.namespaces().withName(name).get();
        if (existing != null) {
            return existing;
        }
        return c.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
                .create();
    }

    /** What {@code pods/log} serves for the pod (empty if nothing was appended). */
    public String podLog(String namespace, String podName) {
        return dispatcher.logs().read(namespace, podName);
    }

    /**
     * Whether {@code pods/log} of the pod fails with 500, as an API server or kubelet in trouble does, until turned
     * off again.
     */
    public void failLogReads(String namespace, String podName, boolean failing) {
        dispatcher.logs().failingFrom(namespace, podName, failing ? 0 : -1);
    }

    /**
     * Whether {@code pods/log} of the pod fails with 500 for a read that reaches past byte {@code from} (asks for more
     * bytes, or for all of them), as a log connection broken after that byte; off again with a negative {@code from}.
     * Reads within the first {@code from} bytes are served.
     */
    public void failLogReadsPast(String namespace, String podName, long from) {
        dispatcher.logs().failingFrom(namespace, podName, from);
    }

    /** How many reads of the pod's log {@link #failLogReads} and {@link #failLogReadsPast} have failed so far. */
    public int failedLogReads(String namespace, String podName) {
        return dispatcher.logs().failed(namespace, podName);
    }

    /**
     * The next create of a pod that carries all of {@code labels} is refused with this status, once, as a real API
     * server refuses a pod its namespace's ResourceQuota does not admit (403 Forbidden, "exceeded quota"). Other
     * pods created meanwhile are stored as usual (a path-wide recorded expectation would take whichever came first).
     */
    public void refuseNextPodCreate(Map<String, String> labels, int code, String reason, String message) {
        dispatcher.refuseNextPod(new ApiDispatcher.PodRefusal(Map.copyOf(labels), code, reason, message));
    }

    @Override
    public void close() {
        KubernetesClient c;
        synchronized (clientLock) {
            if (closed) {
                return;
            }
            closed = true;
            c = client;
            client = null;
        }
        try {
            if (c != null) {
                c.close();
            }
        } finally {
            server.shutdown();
            LOG.debugf("Kubernetes mock API server on port %d stopped", port);
        }
    }

    @Override
    public String toString() {
        return "KubernetesApiServer[" + url() + "]";
    }
}
