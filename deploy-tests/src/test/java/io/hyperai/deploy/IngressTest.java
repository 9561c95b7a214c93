package io.hyperai.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;

/**
 * The dev overlay's Ingress: every public API path a service declares (its JAX-RS {@code @Path}s under
 * {@code /api}) reaches that service the way ingress-nginx with {@code use-regex} matches (case-insensitive
 * prefix patterns, the longest path first); nothing routes {@code /internal} or {@code /q}; Keycloak's public
 * host is the {@code --hostname} it issues tokens for.
 */
class IngressTest {

    /** A path of the document's {@code paths} map (two spaces in), public ones only. */
    static final Pattern API_PATH = Pattern.compile("  (/api/[^:\\s]+):");

    @Test
    void everyPublicPathReachesTheServiceThatServesIt() {
        Ingress api = Rendered.DEV.one(Ingress.class, Repo.NAMESPACE, "hyperai-api");
        Map<String, String> expected = publicPaths();
        assertThat(expected.values()).containsAll(Repo.SERVICES);
        for (Map.Entry<String, String> e : expected.entrySet()) {
            assertThat(route(api, e.getKey())).as("the Ingress route of " + e.getKey()).contains(e.getValue());
        }
        System.out.printf("ingress: %d public paths of %d services routed%n", expected.size(), Repo.SERVICES.size());
        for (String hidden : List.of("/internal/gears/x", "/internal/billing/admission/x", "/q/metrics", "/q/health")) {
            assertThat(route(api, hidden)).as(hidden + " stays inside the cluster").isEmpty();
        }
        for (IngressRule rule : api.getSpec().getRules()) {
            for (HTTPIngressPath p : rule.getHttp().getPaths()) {
                Service target = Rendered.DEV.one(Service.class, Repo.NAMESPACE, p.getBackend().getService().getName());
                assertThat(target.getSpec().getPorts()).anyMatch(
                        port -> port.getPort().equals(p.getBackend().getService().getPort().getNumber()));
            }
        }
    }

    @Test
    void keycloakIssuesTokensForItsPublicHost() {
        Ingress keycloak = Rendered.DEV.one(Ingress.class, Repo.NAMESPACE, "keycloak");
        String host = keycloak.getSpec().getRules().get(0).getHost();
        Container c = Rendered.DEV.deployment("keycloak").getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getArgs()).contains("--hostname=http://" + host, "--hostname-backchannel-dynamic=true")
                .noneMatch(a -> a.startsWith("--hostname-strict"));
        assertThat(keycloak.getSpec().getRules().get(0).getHttp().getPaths()).extracting(HTTPIngressPath::getPath)
                .contains("/realms/");
        // the base keeps the in-cluster issuer: no Ingress there
        assertThat(Rendered.BASE.all(Ingress.class)).isEmpty();
    }

    /** The backend service of a request path, as ingress-nginx with use-regex picks it. */
    static Optional<String> route(Ingress ingress, String requestPath) {
        List<HTTPIngressPath> paths = new ArrayList<>();
        ingress.getSpec().getRules().forEach(r -> paths.addAll(r.getHttp().getPaths()));
        return paths.stream().sorted(Comparator.comparingInt((HTTPIngressPath p) -> p.getPath().length()).reversed())
                .filter(p -> Pattern.compile("^" + p.getPath(), Pattern.CASE_INSENSITIVE).matcher(requestPath).find())
                .map(p -> p.getBackend().getService().getName()).findFirst();
    }

    /**
     * Request paths (path parameters filled in) of every public operation, and the service serving each, from the
     * services' OpenAPI references in {@code docs/api} (each service's baseline test keeps its reference current).
     */
    static Map<String, String> publicPaths() {
        Map<String, String> paths = new LinkedHashMap<>();
        for (String service : Repo.SERVICES) {
            try {
                for (String line : Files.readAllLines(Repo.ROOT.resolve("docs/api").resolve(service + ".yaml"))) {
                    Matcher m = API_PATH.matcher(line);
                    if (m.matches()) {
                        paths.put(concrete(m.group(1)), service);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return paths;
    }

    private static String concrete(String template) {
        return template.replaceAll("\\{[^}]*}", "x1").replaceAll("/+", "/");
    }
}
