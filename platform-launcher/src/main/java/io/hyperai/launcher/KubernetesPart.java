package io.hyperai.launcher;

import java.nio.file.Path;

import io.hyperai.infra.k8s.FakeKubelet;
import io.hyperai.infra.k8s.KubernetesApiServer;

/** An in-memory Kubernetes API in the launcher's JVM, with a fake kubelet playing the node for the executions. */
final class KubernetesPart extends Part {

    private volatile KubernetesApiServer server;
    private volatile FakeKubelet kubelet;

    KubernetesPart(UpContext ctx) {
        super(Component.K8S, ctx);
    }

    @Override
    String label() {
        return "Kubernetes";
    }

    @Override
    void start() {
        int port = ctx.port(component);
        try {
            server = KubernetesApiServer.start(port);
            server.createNamespace(ServiceEnv.EXECUTION_NAMESPACE);
            kubelet = new FakeKubelet(server.client(), ServiceEnv.EXECUTION_NAMESPACE).start();
            kubelet.endHomeSaves();
        } catch (RuntimeException e) {
            throw new StartFailure("The Kubernetes API (mock) did not start on port " + port + ": "
                    + UpContext.firstLine(e), log());
        }
        long pid = ProcessHandle.current().pid();
        ctx.state.recordProcess(component, pid, Procs.startMillis(pid));
    }

    @Override
    boolean started() {
        return server != null || kubelet != null;
    }

    @Override
    Path log() {
        return ctx.logs.resolve("launcher.log");
    }

    String url() {
        return server.url();
    }

    @Override
    String address() {
        return url();
    }

    @Override
    String readyDetail() {
        return "; in-memory mock, fake kubelet on namespace " + ServiceEnv.EXECUTION_NAMESPACE;
    }

    @Override
    String stop() {
        FakeKubelet k = kubelet;
        KubernetesApiServer s = server;
        kubelet = null;
        server = null;
        try {
            if (k != null) {
                k.close();
            }
        } finally {
            if (s != null) {
                s.close();
            }
        }
        return "";
    }
}
