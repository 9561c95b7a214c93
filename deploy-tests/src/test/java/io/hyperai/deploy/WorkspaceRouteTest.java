package io.hyperai.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import io.hyperai.deploy.NetworkPolicies.Destination;

/**
 * A workspace's URL works in the cluster: the URL execution-service hands out
 * ({@code <workspace-base-url>/executions/<id>/?token=...}, ExecutionView) is on the public host, whose Ingress sends
 * every path of it, the kernels' WebSocket channels included, to execution-service, where the workspace proxy
 * (WorkspacePath.ROUTE) takes exactly those paths and checks the owner. Only execution-service reaches the
 * workspace pod's Jupyter port; the ingress controller cannot go around the proxy.
 */
class WorkspaceRouteTest {

    static final String ID = "0b7e8f52-9a4c-4bb7-a1f3-0f2f4c9d7e11";

    static List<Rendered> overlays() {
        return Rendered.overlays();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theWorkspaceUrlReachesTheProxyAndOnlyTheProxyReachesTheWorkspace(Rendered render) {
        String base = render.configMap("execution-service-config").getData().get("HYPERAI_EXECUTION_WORKSPACE_BASE_URL");
        assertThat(base).as(render + ": the workspace base URL execution-service hands out").isNotNull();
        URI url = URI.create(base + "/executions/" + ID + "/?token=t");
        Ingress api = render.one(Ingress.class, Repo.NAMESPACE, "hyperai-api");
        assertThat(api.getSpec().getRules()).extracting(r -> r.getHost()).containsExactly(url.getHost());
        if (url.getScheme().equals("https")) {
            assertThat(api.getSpec().getTls()).flatExtracting(IngressTLS::getHosts).contains(url.getHost());
        }
        Pattern proxy = Pattern.compile(proxyRoute());
        for (String path : List.of(url.getPath(), "/executions/" + ID + "/lab/tree/notebook.ipynb",
                "/executions/" + ID + "/api/kernels/5c1d/channels", "/executions/" + ID + "/static/app.js")) {
            assertThat(IngressTest.route(api, path)).as(render + ": the Ingress route of " + path)
                    .contains("execution-service");
            assertThat(proxy.matcher(path).matches()).as("the proxy serves " + path).isTrue();
        }
        // the API's own /api/v1/executions stays with the REST resources, not the proxy
        assertThat(proxy.matcher("/api/v1/executions/" + ID).matches()).isFalse();
        Service svc = render.one(Service.class, Repo.NAMESPACE, "execution-service");
        assertThat(api.getSpec().getRules().get(0).getHttp().getPaths()).filteredOn(p -> p.getPath().startsWith("/executions"))
                .singleElement().satisfies(p -> assertThat(svc.getSpec().getPorts())
                        .anyMatch(port -> port.getPort().equals(p.getBackend().getService().getPort().getNumber())));
        // kernels keep a WebSocket open for as long as a notebook is: nginx must not cut it after a minute
        Map<String, String> annotations = api.getMetadata().getAnnotations();
        assertThat(Integer.parseInt(annotations.get("nginx.ingress.kubernetes.io/proxy-read-timeout"))).isGreaterThanOrEqualTo(3600);
        assertThat(Integer.parseInt(annotations.get("nginx.ingress.kubernetes.io/proxy-send-timeout"))).isGreaterThanOrEqualTo(3600);

        Map<String, NetworkPolicies> fences = Map.of(Repo.NAMESPACE, new NetworkPolicies(render, Repo.NAMESPACE),
                Repo.EXECUTIONS, new NetworkPolicies(render, Repo.EXECUTIONS));
        List<PlatformNetworkPolicyTest.Pod> pods = PlatformNetworkPolicyTest.pods(render);
        PlatformNetworkPolicyTest.Pod workspace = PlatformNetworkPolicyTest.pod(pods, "workspace");
        assertThat(PlatformNetworkPolicyTest.connects(fences, PlatformNetworkPolicyTest.pod(pods, "ingress-nginx"),
                PlatformNetworkPolicyTest.pod(pods, "execution-service"), 8080)).isTrue();
        for (PlatformNetworkPolicyTest.Pod p : pods) {
            if (p != workspace) {
                assertThat(PlatformNetworkPolicyTest.connects(fences, p, workspace, 8888))
                        .as(p.name() + " -> the workspace's Jupyter").isEqualTo(p.name().equals("execution-service"));
            }
        }
        assertThat(fences.get(Repo.EXECUTIONS).allowsIngress(workspace.labels(),
                Destination.pod(Repo.NAMESPACE, PlatformNetworkPolicyTest.templateLabels(render, "execution-service"),
                        "10.244.1.11", "TCP", 22))).as("only Jupyter's port").isFalse();
    }

    /** The proxy's route pattern, from WorkspacePath.ROUTE in execution-service. */
    static String proxyRoute() {
        Matcher m = Pattern.compile("ROUTE = \"([^\"]+)\"").matcher(Kustomize.read(Repo.ROOT.resolve(
                "execution-service/src/main/java/io/hyperai/execution/proxy/WorkspacePath.java")));
        assertThat(m.find()).as("WorkspacePath.ROUTE").isTrue();
        return m.group(1);
    }
}
