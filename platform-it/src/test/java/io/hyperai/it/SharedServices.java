package io.hyperai.it;

import io.hyperai.infra.k8s.FakeKubelet;
import io.hyperai.infra.k8s.KubernetesApiServer;
import io.hyperai.test.PackagedServices;
import io.hyperai.test.TraceCollector;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The packaged services every {@code *IT} class of this module shares: each is started once per
 * test JVM (boots are the cost on a small machine) and stopped when the whole test plan is done.
 * A test that kills or restarts one leaves it running again for the next. Use with
 * {@code @ExtendWith(SharedServices.class)} and {@link #get()}.
 *
 * <p>billing-service runs with the shortest intervals it accepts (10 s charge intervals, accrual every
 * 10 s) and a short Kafka session, so that after a kill -9 its restarted consumer is given the
 * partitions within seconds rather than after the default 45 s session of the dead one.
 *
 * <p>execution-service runs pods on a Kubernetes API of this JVM ({@link #kubernetes()}) whose node is a
 * {@link FakeKubelet} ({@link #kubelet()}: pods run until a test plans otherwise). Every service records
 * spans and exports them to one {@link TraceCollector} ({@link #traces()}).
 */
final class SharedServices implements BeforeAllCallback {

    static final String[] NAMES = { "storage", "warehouse", "gear", "billing", "execution" };
    static final String EXECUTIONS_NAMESPACE = "hyperai-executions";

    private static PackagedServices services;
    private static KubernetesApiServer kubernetes;
    private static FakeKubelet kubelet;
    private static TraceCollector traces;

    private static Map<String, Map<String, String>> overrides() {
        return overrides(traces.environment(), kubernetes.url());
    }

    /**
     * What every cross-service test runs the services with: {@code common} for all of them, billing's shortest
     * intervals and a short Kafka session, execution-service on the Kubernetes API at {@code kubernetesUrl}.
     */
    static Map<String, Map<String, String>> overrides(Map<String, String> common, String kubernetesUrl) {
        Map<String, Map<String, String>> overrides = new HashMap<>();
        for (String name : NAMES) {
            overrides.put(name, new HashMap<>(common));
        }
        overrides.get("billing").putAll(Map.of(
                "HYPERAI_BILLING_INTERVAL", "10s",
                "HYPERAI_BILLING_ACCRUAL_PERIOD", "10s",
                "KAFKA_SESSION_TIMEOUT_MS", "6000",
                "KAFKA_HEARTBEAT_INTERVAL_MS", "1000"));
        overrides.get("execution").putAll(Map.of(
                "HYPERAI_EXECUTION_RUNTIME", "kubernetes",
                "HYPERAI_KUBERNETES_API_SERVER_URL", kubernetesUrl,
                "HYPERAI_EXECUTION_NAMESPACE", EXECUTIONS_NAMESPACE,
                // an ended execution's working directory is measured within seconds
                "HYPERAI_EXECUTION_WORKDIR_SETTLE", "1s",
                "HYPERAI_EXECUTION_RESYNC_INTERVAL", "2s"));
        return overrides;
    }

    /** The running services, started on first use. */
    static synchronized PackagedServices get() {
        if (services == null) {
            long start = System.nanoTime();
            traces = TraceCollector.start();
            kubernetes = KubernetesApiServer.start(0);
            kubernetes.createNamespace(EXECUTIONS_NAMESPACE);
            kubelet = new FakeKubelet(kubernetes.client(), EXECUTIONS_NAMESPACE).start();
            kubelet.endHomeSaves();
            services = PackagedServices.start("platform-it", overrides(), NAMES);
            System.out.printf("shared services: %s started in %d ms%n", String.join(", ", NAMES),
                    (System.nanoTime() - start) / 1_000_000);
        }
        return services;
    }

    static synchronized FakeKubelet kubelet() {
        get();
        return kubelet;
    }

    static synchronized KubernetesApiServer kubernetes() {
        get();
        return kubernetes;
    }

    static synchronized TraceCollector traces() {
        get();
        return traces;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .computeIfAbsent(SharedServices.class, k -> new Stopper(), Stopper.class);
        get();
    }

    /** Closed by JUnit when the test plan ends, before the shared infrastructure's shutdown hooks run. */
    private static final class Stopper implements AutoCloseable {
        @Override
        public void close() {
            synchronized (SharedServices.class) {
                if (services != null) {
                    services.close();
                    services = null;
                }
                if (kubernetes != null) {
                    kubelet.close();
                    kubernetes.close();
                    kubernetes = null;
                }
                if (traces != null) {
                    traces.close();
                    traces = null;
                }
            }
        }
    }
}
