package io.hyperai.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.hyperai.deploy.NetworkPolicies.Destination;

/**
 * The platform namespace's fence as a matrix: every pair of pods (the services and Keycloak with the labels their
 * rendered Deployments give them; PostgreSQL, Kafka and Strimzi's entity operator with the labels their operators
 * give; the ingress controller, Prometheus, an execution pod and a stranger pod outside) on every port that matters
 * is evaluated through both namespaces' policies (the sender's egress and the receiver's ingress). The connections
 * allowed must be exactly those the configuration needs: a service calls the services whose HYPERAI_*_URL its
 * application.properties reads, and its database, Kafka and Keycloak; nothing else crosses.
 */
class PlatformNetworkPolicyTest {

    record Pod(String name, String namespace, Map<String, String> labels, String ip) {
    }

    static List<Rendered> renders() {
        return Rendered.all();
    }

    @ParameterizedTest
    @MethodSource("renders")
    void exactlyTheNeededConnectionsAreAllowed(Rendered render) {
        Map<String, NetworkPolicies> fences = Map.of(Repo.NAMESPACE, new NetworkPolicies(render, Repo.NAMESPACE),
                Repo.EXECUTIONS, new NetworkPolicies(render, Repo.EXECUTIONS));
        List<Pod> pods = pods(render);
        // 443 is not in the list: the API server rule is an ipBlock, checked on its own below
        List<Integer> ports = List.of(8080, 5432, 8000, 9093, 9092, 9091, 8888);
        Set<String> allowed = new TreeSet<>();
        for (Pod from : pods) {
            for (Pod to : pods) {
                for (int port : ports) {
                    boolean ours = fences.containsKey(from.namespace()) || fences.containsKey(to.namespace());
                    if (from != to && ours && connects(fences, from, to, port)) {
                        allowed.add(from.name() + " -> " + to.name() + ":" + port);
                    }
                }
            }
        }
        Set<String> needed = needed();
        // the operators' own pods talk among themselves on any port: those pairs are checked separately
        allowed.removeIf(c -> c.matches("(kafka-broker|entity-operator) -> (kafka-broker|entity-operator):\\d+")
                || c.matches("postgres-\\d -> postgres-\\d:(5432|8000)"));
        assertThat(allowed).as(render + ": allowed connections").isEqualTo(needed);
        assertThat(connects(fences, pod(pods, "kafka-broker"), pod(pods, "entity-operator"), 9091)).isTrue();
        assertThat(connects(fences, pod(pods, "postgres-1"), pod(pods, "postgres-2"), 5432)).isTrue();
        assertThat(connects(fences, pod(pods, "postgres-1"), pod(pods, "kafka-broker"), 9093)).isFalse();
        // no address outside the cluster's pods is a destination, but the API server's (443 and 6443), and that
        // only for the three that talk to it: execution-service and the operators' pods
        NetworkPolicies platform = fences.get(Repo.NAMESPACE);
        Set<String> apiClients = Set.of("execution-service", "postgres-1", "postgres-2", "kafka-broker", "entity-operator");
        for (Pod p : pods) {
            if (p.namespace().equals(Repo.NAMESPACE)) {
                assertThat(platform.allowsEgress(p.labels(), Destination.ip("172.18.0.2", "TCP", 22)))
                        .as(p.name() + " to a node's ssh").isFalse();
                for (int port : List.of(443, 6443)) {
                    assertThat(platform.allowsEgress(p.labels(), Destination.ip("172.18.0.2", "TCP", port)))
                            .as(p.name() + " to the API server on " + port).isEqualTo(apiClients.contains(p.name()));
                }
            }
        }
        System.out.printf("%s platform fence: %d connections allowed among %d pods%n", render, needed.size(), pods.size());
    }

    /** What the configuration needs, derived from the services' application.properties and the infrastructure. */
    static Set<String> needed() {
        Set<String> out = new TreeSet<>();
        for (String service : Repo.SERVICES) {
            out.add("ingress-nginx -> " + service + ":8080");
            out.add("prometheus -> " + service + ":8080");
            out.add(service + " -> keycloak:8080");
            out.add(service + " -> postgres-1:5432");
            out.add(service + " -> postgres-2:5432");
            out.add(service + " -> kafka-broker:9093");
            Matcher url = Pattern.compile("\\$\\{HYPERAI_([A-Z]+)_URL}").matcher(Repo.applicationPropertiesText(service));
            while (url.find()) {
                out.add(service + " -> " + url.group(1).toLowerCase() + "-service:8080");
            }
        }
        out.add("ingress-nginx -> keycloak:8080");
        out.add("keycloak -> postgres-1:5432");
        out.add("keycloak -> postgres-2:5432");
        // the workspace proxy, and only it, reaches a workspace's Jupyter
        out.add("execution-service -> workspace:8888");
        return out;
    }

    static boolean connects(Map<String, NetworkPolicies> fences, Pod from, Pod to, int port) {
        Destination target = new Destination(to.ip(), "TCP", port, Map.of("kubernetes.io/metadata.name", to.namespace()),
                to.labels());
        Destination source = new Destination(from.ip(), "TCP", port,
                Map.of("kubernetes.io/metadata.name", from.namespace()), from.labels());
        NetworkPolicies out = fences.get(from.namespace());
        NetworkPolicies in = fences.get(to.namespace());
        return (out == null || out.allowsEgress(from.labels(), target)) && (in == null || in.allowsIngress(to.labels(), source));
    }

    static Pod pod(List<Pod> pods, String name) {
        return pods.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    static List<Pod> pods(Rendered render) {
        List<Pod> pods = new ArrayList<>();
        int ip = 10;
        for (String service : Repo.SERVICES) {
            pods.add(new Pod(service, Repo.NAMESPACE, templateLabels(render, service), "10.244.1." + ip++));
        }
        pods.add(new Pod("keycloak", Repo.NAMESPACE, templateLabels(render, "keycloak"), "10.244.1." + ip++));
        String cluster = render.custom("Cluster").get(0).getMetadata().getName();
        for (int i = 1; i <= 2; i++) {
            pods.add(new Pod("postgres-" + i, Repo.NAMESPACE, Map.of("cnpg.io/cluster", cluster,
                    "cnpg.io/instanceName", cluster + "-" + i), "10.244.1." + ip++));
        }
        String kafka = render.custom("Kafka").get(0).getMetadata().getName();
        pods.add(new Pod("kafka-broker", Repo.NAMESPACE, Map.of("strimzi.io/cluster", kafka, "strimzi.io/kind", "Kafka",
                "strimzi.io/name", kafka + "-kafka", "strimzi.io/broker-role", "true"), "10.244.1." + ip++));
        pods.add(new Pod("entity-operator", Repo.NAMESPACE, Map.of("strimzi.io/cluster", kafka, "strimzi.io/kind",
                "Kafka", "strimzi.io/name", kafka + "-entity-operator"), "10.244.1." + ip++));
        pods.add(new Pod("ingress-nginx", "ingress-nginx", Map.of("app.kubernetes.io/name", "ingress-nginx"),
                "10.244.2.1"));
        pods.add(new Pod("prometheus", "monitoring", Map.of("app.kubernetes.io/name", "prometheus"), "10.244.2.2"));
        pods.add(new Pod("workspace", Repo.EXECUTIONS, ExecutionsAndInfrastructureTest.EXECUTION_POD, "10.244.3.1"));
        pods.add(new Pod("stranger", "default", Map.of("app", "web"), "10.244.4.1"));
        // a stranger wearing a service's labels in another namespace is still a stranger
        pods.add(new Pod("impostor", "default", templateLabels(render, "billing-service"), "10.244.4.2"));
        return pods;
    }

    static Map<String, String> templateLabels(Rendered render, String deployment) {
        return new LinkedHashMap<>(new TreeMap<>(render.deployment(deployment).getSpec().getTemplate().getMetadata()
                .getLabels()));
    }
}
