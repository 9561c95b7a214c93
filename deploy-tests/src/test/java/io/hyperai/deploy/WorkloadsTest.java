package io.hyperai.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/** Deployments: probes, resources, a locked-down security context, the images the build produces, their config. */
class WorkloadsTest {

    static List<Rendered> renders() {
        return Rendered.all();
    }

    @ParameterizedTest
    @MethodSource("renders")
    void everyContainerHasProbesResourcesAndALockedDownSecurityContext(Rendered render) {
        List<Deployment> deployments = render.all(Deployment.class);
        assertThat(deployments).extracting(d -> d.getMetadata().getName()).containsAll(Repo.SERVICES);
        for (Deployment d : deployments) {
            PodSpec pod = d.getSpec().getTemplate().getSpec();
            PodSecurityContext podSc = pod.getSecurityContext();
            assertThat(podSc).as(d.getMetadata().getName() + " pod securityContext").isNotNull();
            assertThat(podSc.getRunAsNonRoot()).as("runAsNonRoot").isTrue();
            assertThat(podSc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
            assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
            assertThat(pod.getVolumes()).noneMatch(v -> v.getHostPath() != null);
            List<Container> containers = new ArrayList<>(pod.getContainers());
            containers.addAll(pod.getInitContainers());
            for (Container c : containers) {
                String id = d.getMetadata().getName() + "/" + c.getName();
                assertThat(c.getLivenessProbe()).as(id + " liveness").isNotNull();
                assertThat(c.getReadinessProbe()).as(id + " readiness").isNotNull();
                assertThat(c.getResources().getRequests()).as(id + " requests").containsKeys("cpu", "memory");
                assertThat(c.getResources().getLimits()).as(id + " limits").containsKeys("cpu", "memory");
                SecurityContext sc = c.getSecurityContext();
                assertThat(sc).as(id + " securityContext").isNotNull();
                assertThat(sc.getAllowPrivilegeEscalation()).as(id + " allowPrivilegeEscalation").isFalse();
                assertThat(sc.getPrivileged()).as(id + " privileged").isNotEqualTo(Boolean.TRUE);
                assertThat(sc.getCapabilities().getDrop()).as(id + " drops").containsExactly("ALL");
                assertThat(sc.getCapabilities().getAdd()).as(id + " adds").isNullOrEmpty();
                assertThat(sc.getRunAsNonRoot() == null || sc.getRunAsNonRoot()).as(id + " runAsNonRoot").isTrue();
                assertThat(sc.getRunAsUser() == null || sc.getRunAsUser() != 0).as(id + " runAsUser").isTrue();
                assertThat(sc.getSeccompProfile() == null || "RuntimeDefault".equals(sc.getSeccompProfile().getType()))
                        .as(id + " seccomp").isTrue();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("renders")
    void servicesUseQuarkusHealthAndTheImageTheBuildProduces(Rendered render) {
        for (String service : Repo.SERVICES) {
            Deployment d = render.deployment(service);
            PodSpec pod = d.getSpec().getTemplate().getSpec();
            Container c = pod.getContainers().get(0);
            assertThat(pod.getContainers()).hasSize(1);
            assertThat(c.getImage()).as(service + " image").isEqualTo(Repo.image(service));
            assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
            assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
            assertThat(c.getPorts()).anyMatch(p -> "http".equals(p.getName()) && p.getContainerPort() == 8080);

            boolean k8sApi = service.equals("execution-service");
            assertThat(pod.getAutomountServiceAccountToken()).as(service + " automount token").isEqualTo(k8sApi);
            assertThat(pod.getServiceAccountName()).isEqualTo(service);
            ServiceAccount sa = render.one(ServiceAccount.class, Repo.NAMESPACE, service);
            assertThat(sa.getAutomountServiceAccountToken()).isEqualTo(k8sApi);

            Service svc = render.one(Service.class, Repo.NAMESPACE, service);
            assertThat(svc.getSpec().getSelector()).isEqualTo(
                    Map.of("app.kubernetes.io/name", service));
            assertThat(d.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(
                    svc.getSpec().getSelector());
            assertThat(svc.getSpec().getPorts()).anyMatch(p -> p.getPort() == 8080);
        }
    }

    static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)");

    /**
     * A service's ConfigMap holds variables the service reads (a HYPERAI_* variable its application.properties
     * references, the environment form of a property it or platform-common sets, or of a run-time property of
     * Quarkus core such as QUARKUS_SHUTDOWN_TIMEOUT), and every HYPERAI_*_URL it
     * references is set; credentials come from its Secret, never from the ConfigMap.
     */
    @ParameterizedTest
    @MethodSource("renders")
    void configMapsCarryExactlyTheVariablesTheServicesRead(Rendered render) {
        Properties common = Repo.properties(Repo.commonConfigText());
        Set<String> quarkus = Repo.quarkusRuntimeVariables();
        for (String service : Repo.SERVICES) {
            String text = Repo.applicationPropertiesText(service);
            Properties props = Repo.properties(text);
            Set<String> referenced = new TreeSet<>();
            Matcher m = ENV_REFERENCE.matcher(text);
            while (m.find()) {
                referenced.add(m.group(1));
            }
            Set<String> known = new TreeSet<>(referenced);
            for (Properties p : List.of(props, common)) {
                for (String key : p.stringPropertyNames()) {
                    known.add(key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase());
                }
            }
            known.addAll(Repo.kafkaConnectionVariables());
            known.addAll(Repo.configMappingVariables(service));
            known.addAll(quarkus);
            ConfigMap cm = render.configMap(service + "-config");
            for (String key : cm.getData().keySet()) {
                assertThat(known).as(service + ": " + key + " is not a variable the service reads").contains(key);
                assertThat(key).doesNotContain("PASSWORD").doesNotContain("SECRET");
            }
            for (String ref : referenced) {
                if (ref.matches("HYPERAI_[A-Z]+_URL")) {
                    assertThat(cm.getData()).as(service + " reads " + ref).containsKey(ref);
                }
            }
            assertThat(cm.getData()).containsKeys("QUARKUS_DATASOURCE_JDBC_URL", "QUARKUS_DATASOURCE_REACTIVE_URL",
                    "KAFKA_BOOTSTRAP_SERVERS", "QUARKUS_OIDC_AUTH_SERVER_URL");

            Container c = render.deployment(service).getSpec().getTemplate().getSpec().getContainers().get(0);
            assertThat(c.getEnvFrom()).anyMatch(e -> e.getConfigMapRef() != null
                    && (service + "-config").equals(e.getConfigMapRef().getName()));
            // credentials from the service's own Secret (the dev overlay's has the key; elsewhere an operator's)
            for (String secretVar : List.of("QUARKUS_DATASOURCE_USERNAME", "QUARKUS_DATASOURCE_PASSWORD",
                    "QUARKUS_OIDC_CLIENT_CREDENTIALS_SECRET")) {
                EnvVar e = c.getEnv().stream().filter(v -> v.getName().equals(secretVar)).findFirst()
                        .orElseThrow(() -> new AssertionError(service + " has no " + secretVar));
                assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo(service);
                render.all(Secret.class).stream().filter(s -> s.getMetadata().getName().equals(service))
                        .forEach(s -> assertThat(SecretsAndSourcesTest.decoded(s))
                                .containsKey(e.getValueFrom().getSecretKeyRef().getKey()));
            }
        }
    }

    @Test
    void theServicesFindEachOtherByTheirServiceNames() {
        for (String service : Repo.SERVICES) {
            ConfigMap cm = Rendered.DEV.configMap(service + "-config");
            cm.getData().forEach((key, value) -> {
                Matcher url = Pattern.compile("HYPERAI_([A-Z]+)_URL").matcher(key);
                if (url.matches()) {
                    String target = url.group(1).toLowerCase() + "-service";
                    assertThat(value).isEqualTo("http://" + target + "." + Repo.NAMESPACE + ".svc:8080");
                    Rendered.DEV.one(Service.class, Repo.NAMESPACE, target);
                }
            });
        }
    }
}
