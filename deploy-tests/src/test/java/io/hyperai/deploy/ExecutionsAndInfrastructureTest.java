package io.hyperai.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;

/** The executions namespace (RBAC, quota, network fence, volumes) and the infrastructure custom resources. */
class ExecutionsAndInfrastructureTest {

    /** execution-service's claim names (ExecutionConfig defaults) and the labels PodFactory puts on its pods. */
    static final List<String> CLAIMS = List.of("hyperai-warehouse", "hyperai-workdirs", "hyperai-code");
    static final Map<String, String> EXECUTION_POD = Map.of("app.kubernetes.io/managed-by", "hyperai-execution-service",
            "app.kubernetes.io/component", "execution");
    static final String NAMESPACE_LABEL = "kubernetes.io/metadata.name";

    static List<Rendered> renders() {
        return Rendered.all();
    }

    @ParameterizedTest
    @MethodSource("renders")
    void executionServiceMayOnlyRunPodsInTheExecutionsNamespaceAndReadNodes(Rendered render) {
        List<Role> roles = render.all(Role.class);
        assertThat(roles).hasSize(1);
        Role role = roles.get(0);
        assertThat(role.getMetadata().getNamespace()).isEqualTo(Repo.EXECUTIONS);
        Map<String, Set<String>> allowed = Map.of(
                "pods", Set.of("get", "list", "watch", "create", "delete"),
                "pods/log", Set.of("get"),
                "services", Set.of("get", "list", "watch", "create", "delete"),
                // an execution's own home claim (home-<id>), made and removed by the service
                "persistentvolumeclaims", Set.of("get", "list", "watch", "create", "delete"),
                "events", Set.of("get", "list", "watch"),
                // the quota bounds the queue's capacity
                "resourcequotas", Set.of("get", "list"));
        Set<String> covered = new TreeSet<>();
        for (PolicyRule rule : role.getRules()) {
            assertThat(rule.getApiGroups()).containsExactly("");
            assertThat(rule.getResourceNames()).isNullOrEmpty();
            for (String resource : rule.getResources()) {
                assertThat(allowed).containsKey(resource);
                assertThat(allowed.get(resource)).containsAll(rule.getVerbs());
                assertThat(rule.getVerbs()).doesNotContain("*");
                covered.add(resource);
            }
        }
        assertThat(covered).containsExactlyInAnyOrderElementsOf(allowed.keySet());
        RoleBinding binding = render.one(RoleBinding.class, Repo.EXECUTIONS, "execution-service");
        assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
        assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
        assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
            assertThat(s.getKind()).isEqualTo("ServiceAccount");
            assertThat(s.getName()).isEqualTo("execution-service");
            assertThat(s.getNamespace()).isEqualTo(Repo.NAMESPACE);
        });
        // cluster-wide it reads nodes (each pool's capacity), nothing else and never writes
        List<io.fabric8.kubernetes.api.model.rbac.ClusterRole> clusterRoles =
                render.all(io.fabric8.kubernetes.api.model.rbac.ClusterRole.class);
        assertThat(clusterRoles).singleElement().satisfies(c -> assertThat(c.getRules()).singleElement()
                .satisfies(rule -> {
                    assertThat(rule.getApiGroups()).containsExactly("");
                    assertThat(rule.getResources()).containsExactly("nodes");
                    assertThat(rule.getVerbs()).containsExactlyInAnyOrder("get", "list");
                }));
        assertThat(render.all(io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding.class)).singleElement()
                .satisfies(b -> {
                    assertThat(b.getRoleRef().getName()).isEqualTo(clusterRoles.get(0).getMetadata().getName());
                    assertThat(b.getSubjects()).singleElement().satisfies(s -> {
                        assertThat(s.getName()).isEqualTo("execution-service");
                        assertThat(s.getNamespace()).isEqualTo(Repo.NAMESPACE);
                    });
                });
        ConfigMap config = render.configMap("execution-service-config");
        assertThat(config.getData()).containsEntry("HYPERAI_EXECUTION_NAMESPACE", Repo.EXECUTIONS)
                .containsEntry("HYPERAI_EXECUTION_RUNTIME", "kubernetes");
    }

    @ParameterizedTest
    @MethodSource("renders")
    void theExecutionsNamespaceHasAQuotaAndLimits(Rendered render) {
        ResourceQuota quota = render.all(ResourceQuota.class).stream()
                .filter(q -> Repo.EXECUTIONS.equals(q.getMetadata().getNamespace())).findFirst().orElseThrow();
        assertThat(quota.getSpec().getHard()).containsKeys("pods", "requests.cpu", "requests.memory", "limits.cpu",
                "limits.memory", "requests.nvidia.com/gpu", "requests.ephemeral-storage", "persistentvolumeclaims",
                "requests.storage");
        LimitRange limits = render.all(LimitRange.class).stream()
                .filter(l -> Repo.EXECUTIONS.equals(l.getMetadata().getNamespace())).findFirst().orElseThrow();
        assertThat(limits.getSpec().getLimits()).anySatisfy(l -> {
            assertThat(l.getType()).isEqualTo("Container");
            assertThat(l.getDefault()).containsKeys("cpu", "memory");
            assertThat(l.getMax()).containsKeys("cpu", "memory");
        });
    }

    /**
     * Execution pods: denied by default; ingress only on 8888 from the platform namespace; egress never to the
     * platform namespace nor to other executions.
     */
    @ParameterizedTest
    @MethodSource("renders")
    void executionPodsAreFencedOff(Rendered render) {
        List<NetworkPolicy> policies = render.all(NetworkPolicy.class).stream()
                .filter(p -> Repo.EXECUTIONS.equals(p.getMetadata().getNamespace())).toList();
        assertThat(policies).anySatisfy(p -> {
            assertThat(p.getSpec().getPodSelector().getMatchLabels()).isNullOrEmpty();
            assertThat(p.getSpec().getPodSelector().getMatchExpressions()).isNullOrEmpty();
            assertThat(p.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
            assertThat(p.getSpec().getIngress()).isNullOrEmpty();
            assertThat(p.getSpec().getEgress()).isNullOrEmpty();
        });
        for (NetworkPolicy p : policies) {
            Map<String, String> selects = p.getSpec().getPodSelector().getMatchLabels();
            assertThat(selects == null || selects.isEmpty() || EXECUTION_POD.equals(selects)).isTrue();
            for (NetworkPolicyIngressRule in : p.getSpec().getIngress()) {
                assertThat(in.getPorts()).singleElement().satisfies(port -> {
                    assertThat(port.getPort().getIntVal()).isEqualTo(8888);
                    assertThat(port.getProtocol()).isEqualTo("TCP");
                });
                // only execution-service's workspace proxy: no other pod of the platform reaches a workspace
                assertThat(in.getFrom()).isNotEmpty().allSatisfy(peer -> {
                    assertThat(peer.getIpBlock()).isNull();
                    assertThat(peer.getNamespaceSelector().getMatchLabels())
                            .isEqualTo(Map.of(NAMESPACE_LABEL, Repo.NAMESPACE));
                    assertThat(peer.getPodSelector().getMatchLabels())
                            .isEqualTo(Map.of("app.kubernetes.io/name", "execution-service"));
                });
            }
            for (NetworkPolicyEgressRule out : p.getSpec().getEgress()) {
                assertThat(out.getTo()).as(p.getMetadata().getName() + ": egress to everything").isNotEmpty();
                for (NetworkPolicyPeer peer : out.getTo()) {
                    if (peer.getNamespaceSelector() != null) {
                        Map<String, String> labels = peer.getNamespaceSelector().getMatchLabels();
                        if (labels != null && !labels.isEmpty()) {
                            assertThat(labels.get(NAMESPACE_LABEL)).isNotIn(Repo.NAMESPACE, Repo.EXECUTIONS);
                        } else {
                            assertThat(peer.getNamespaceSelector().getMatchExpressions()).anySatisfy(e -> {
                                assertThat(e.getKey()).isEqualTo(NAMESPACE_LABEL);
                                assertThat(e.getOperator()).isEqualTo("NotIn");
                                assertThat(e.getValues()).contains(Repo.NAMESPACE, Repo.EXECUTIONS);
                            });
                        }
                    } else {
                        assertThat(peer.getPodSelector()).as("a pod selector without a namespace selector selects "
                                + "other executions").isNull();
                        assertThat(peer.getIpBlock().getExcept()).as("pod and service IP ranges excluded")
                                .containsAnyOf("10.0.0.0/8", "fc00::/7");
                    }
                }
            }
        }
    }

    @Test
    void theClaimsAreReadWriteManyOnTheOverlaysStorageClass() {
        for (String ns : List.of(Repo.NAMESPACE, Repo.EXECUTIONS)) {
            for (String claim : CLAIMS) {
                PersistentVolumeClaim base = Rendered.BASE.one(PersistentVolumeClaim.class, ns, claim);
                PersistentVolumeClaim dev = Rendered.DEV.one(PersistentVolumeClaim.class, ns, claim);
                assertThat(base.getSpec().getAccessModes()).containsExactly("ReadWriteMany");
                assertThat(base.getSpec().getStorageClassName()).isEqualTo("hyperai-rwx");
                assertThat(dev.getSpec().getStorageClassName()).isEqualTo("nfs-client");
            }
        }
    }

    @Test
    void kafkaIsKraftWithANodePool() {
        GenericKubernetesResource kafka = Rendered.DEV.custom("Kafka").get(0);
        assertThat(kafka.getMetadata().getAnnotations()).containsEntry("strimzi.io/node-pools", "enabled")
                .containsEntry("strimzi.io/kraft", "enabled");
        GenericKubernetesResource pool = Rendered.DEV.custom("KafkaNodePool").get(0);
        assertThat(pool.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", kafka.getMetadata().getName());
        assertThat(pool.<List<String>>get("spec", "roles")).containsExactlyInAnyOrder("controller", "broker");
        assertThat(Rendered.BASE.custom("KafkaNodePool").get(0).<Integer>get("spec", "replicas")).isEqualTo(3);
        assertThat(pool.<Integer>get("spec", "replicas")).isEqualTo(1);
        List<Map<String, Object>> listeners = kafka.get("spec", "kafka", "listeners");
        assertThat(listeners).singleElement().satisfies(l -> {
            assertThat(l.get("tls")).as("the one listener is TLS").isEqualTo(true);
            assertThat(((Map<?, ?>) l.get("authentication")).get("type")).isEqualTo("scram-sha-512");
        });
        for (String service : Repo.SERVICES) {
            assertThat(Rendered.DEV.configMap(service + "-config").getData())
                    .containsEntry("KAFKA_BOOTSTRAP_SERVERS", kafka.getMetadata().getName() + "-kafka-bootstrap."
                            + Repo.NAMESPACE + ".svc:" + listeners.get(0).get("port"))
                    .containsEntry("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
                    .containsEntry("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512");
        }
    }

    /** Every topic a service's configuration names exists (auto-creation is off), with partitions and retention. */
    @ParameterizedTest
    @MethodSource("renders")
    void everyTopicTheServicesUseIsDeclared(Rendered render) {
        Map<String, GenericKubernetesResource> topics = new java.util.TreeMap<>();
        for (GenericKubernetesResource t : render.custom("KafkaTopic")) {
            topics.put(t.get("spec", "topicName"), t);
            assertThat(t.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", "hyperai");
            assertThat(t.<Integer>get("spec", "partitions")).isEqualTo(3);
            assertThat(t.<Object>get("spec", "config", "retention.ms")).isNotNull();
        }
        Set<String> used = new TreeSet<>();
        Pattern topic = Pattern.compile("(?m)^mp\\.messaging\\.\\w+\\.[\\w.-]+?\\.(?:dead-letter-queue\\.)?topic=(\\S+)$");
        for (String service : Repo.SERVICES) {
            Matcher m = topic.matcher(Repo.applicationPropertiesText(service));
            while (m.find()) {
                used.add(m.group(1));
            }
        }
        for (String source : List.of("gear", "execution", "warehouse", "storage", "billing")) {
            used.add(source + "-events");
            used.add(source + "-events.dlq");
        }
        assertThat(used).contains("execution-events.dlq");
        assertThat(topics.keySet()).containsAll(used);
        assertThat(Rendered.DEV.custom("Kafka").get(0).<Object>get("spec", "kafka", "config",
                "auto.create.topics.enable")).isEqualTo(false);
    }

    /** One CloudNativePG database per service, owned by the role whose password is in the service's Secret. */
    @ParameterizedTest
    @MethodSource("renders")
    void everyServiceHasItsOwnDatabase(Rendered render) {
        GenericKubernetesResource cluster = render.custom("Cluster").get(0);
        String clusterName = cluster.getMetadata().getName();
        List<Map<String, Object>> roles = cluster.get("spec", "managed", "roles");
        for (String service : Repo.SERVICES) {
            String jdbc = render.configMap(service + "-config").getData().get("QUARKUS_DATASOURCE_JDBC_URL");
            assertThat(jdbc).startsWith("jdbc:postgresql://" + clusterName + "-rw." + Repo.NAMESPACE + ".svc:5432/");
            String db = jdbc.substring(jdbc.lastIndexOf('/') + 1);
            assertThat(render.configMap(service + "-config").getData().get("QUARKUS_DATASOURCE_REACTIVE_URL"))
                    .isEqualTo(jdbc.substring("jdbc:".length()));
            // the role is the database's owner; where the render has the service's Secret, its username is that role
            String user = db;
            render.all(Secret.class).stream().filter(s -> service.equals(s.getMetadata().getName()))
                    .forEach(s -> assertThat(SecretsAndSourcesTest.decoded(s)).containsEntry("username", db));
            assertThat(render.custom("Database")).anySatisfy(d -> {
                assertThat(d.<String>get("spec", "name")).isEqualTo(db);
                assertThat(d.<String>get("spec", "owner")).isEqualTo(user);
                assertThat(d.<String>get("spec", "cluster", "name")).isEqualTo(clusterName);
            });
            assertThat(roles).anySatisfy(r -> {
                assertThat(r.get("name")).isEqualTo(user);
                assertThat(r.get("login")).isEqualTo(true);
                assertThat(((Map<?, ?>) r.get("passwordSecret")).get("name")).isEqualTo(service);
            });
        }
    }

    @ParameterizedTest
    @MethodSource("renders")
    void prometheusScrapesEveryServicesMetrics(Rendered render) {
        GenericKubernetesResource monitor = render.custom("PodMonitor").get(0);
        Map<String, String> selector = monitor.get("spec", "selector", "matchLabels");
        List<Map<String, Object>> endpoints = monitor.get("spec", "podMetricsEndpoints");
        assertThat(endpoints).singleElement().satisfies(e -> {
            assertThat(e.get("path")).isEqualTo("/q/metrics");
            assertThat(e.get("port")).isEqualTo("http");
        });
        for (String service : Repo.SERVICES) {
            assertThat(render.deployment(service).getSpec().getTemplate().getMetadata().getLabels())
                    .containsAllEntriesOf(selector);
        }
        assertThat(render.deployment("keycloak").getSpec().getTemplate().getMetadata().getLabels())
                .doesNotContainEntry("app.kubernetes.io/component", "service");
    }

    @ParameterizedTest
    @MethodSource("renders")
    void keycloakIsTheVersionThePlatformRunsLocally(Rendered render) {
        String version = System.getProperty("keycloak.version");
        assertThat(version).as("keycloak.version from the parent pom").matches("\\d+\\.\\d+\\.\\d+");
        assertThat(render.deployment("keycloak").getSpec().getTemplate().getSpec().getContainers())
                .extracting(c -> c.getImage()).containsExactly("quay.io/keycloak/keycloak:" + version);
    }
}
