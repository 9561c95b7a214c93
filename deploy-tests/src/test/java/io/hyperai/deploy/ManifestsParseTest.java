package io.hyperai.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;

/** Every manifest parses into a fabric8 model object, with no field the model does not know. */
class ManifestsParseTest {

    /** Custom resources of the operators docs/deploy.md requires; everything else must be a built-in kind. */
    static final Map<String, String> CUSTOM_KINDS = Map.of(
            "Kafka", "kafka.strimzi.io/v1beta2",
            "KafkaNodePool", "kafka.strimzi.io/v1beta2",
            "KafkaTopic", "kafka.strimzi.io/v1beta2",
            "KafkaUser", "kafka.strimzi.io/v1beta2",
            "Cluster", "postgresql.cnpg.io/v1",
            "Database", "postgresql.cnpg.io/v1",
            "PodMonitor", "monitoring.coreos.com/v1");

    static List<Rendered> renders() {
        return Rendered.all();
    }

    private static final Set<String> CLUSTER_READ = Set.of("ClusterRole", "ClusterRoleBinding");

    @ParameterizedTest
    @MethodSource("renders")
    void everyManifestIsAKnownModelObject(Rendered render) {
        assertThat(render.raw).hasSizeGreaterThan(40);
        for (HasMetadata o : render.objects()) {
            String id = o.getKind() + " " + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
            if (o instanceof GenericKubernetesResource g) {
                assertThat(CUSTOM_KINDS).as(id + " is not a built-in kind: a typo in apiVersion or kind?")
                        .containsEntry(g.getKind(), g.getApiVersion());
            } else {
                assertThat(o.getKind()).as(id).isNotIn(CUSTOM_KINDS.keySet().toArray());
                assertThat(unknownFields(o, "")).as(id + ": fields the Kubernetes model does not know (typos?)")
                        .isEmpty();
            }
            if (!(o instanceof Namespace) && !CLUSTER_READ.contains(o.getKind())) {
                assertThat(o.getMetadata().getNamespace()).as(id + " has a namespace")
                        .isIn(Repo.NAMESPACE, Repo.EXECUTIONS);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("renders")
    void nothingIsClusterWideButTheTwoNamespacesAndReadingNodes(Rendered render) {
        // the one cluster-wide grant: execution-service reads nodes (its queue's capacity; the rules are checked in
        // ExecutionsAndInfrastructureTest)
        assertThat(render.objects()).filteredOn(o -> CLUSTER_READ.contains(o.getKind()))
                .extracting(o -> o.getKind() + " " + o.getMetadata().getName())
                .containsExactlyInAnyOrder("ClusterRole hyperai-execution-service-nodes",
                        "ClusterRoleBinding hyperai-execution-service-nodes");
        assertThat(render.all(Namespace.class)).extracting(n -> n.getMetadata().getName())
                .containsExactlyInAnyOrder(Repo.NAMESPACE, Repo.EXECUTIONS);
    }

    /** Paths of non-empty additionalProperties anywhere in a model object: fields the schema does not have. */
    static List<String> unknownFields(Object root, String path) {
        List<String> found = new ArrayList<>();
        walk(root, path, found, new IdentityHashMap<>());
        return found;
    }

    private static void walk(Object o, String path, List<String> found, IdentityHashMap<Object, Boolean> seen) {
        if (o == null || seen.put(o, Boolean.TRUE) != null) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                walk(e, path + "[" + i++ + "]", found, seen);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                walk(e.getValue(), path + "." + e.getKey(), found, seen);
            }
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || !m.getName().startsWith("get") || m.getName().equals("getClass")) {
                continue;
            }
            Object value;
            try {
                value = m.invoke(o);
            } catch (ReflectiveOperationException | RuntimeException e) {
                continue;
            }
            if (m.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    found.add(path + " " + extra.keySet());
                }
                continue;
            }
            walk(value, path + "." + m.getName().substring(3), found, seen);
        }
    }
}
