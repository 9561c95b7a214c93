package io.hyperai.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/** Secrets hold placeholders only; the realm and the dashboards are generated from their one source file. */
class SecretsAndSourcesTest {

    /** The documented placeholder (docs/deploy.md, "Placeholders"). */
    static final String PLACEHOLDER = "change-me";

    static List<Rendered> renders() {
        return Rendered.all();
    }

    /**
     * Every Secret value is the placeholder, except a role's {@code username} (not a secret) and a service's
     * {@code oidc-client-secret}, which must be exactly the public local value of that client in the realm file
     * (documented there as LOCAL USE ONLY): the realm the cluster imports is that file.
     */
    @ParameterizedTest
    @MethodSource("renders")
    void secretsHoldOnlyDocumentedPlaceholders(Rendered render) throws IOException {
        Map<String, String> realmSecrets = new HashMap<>();
        for (JsonNode client : Kustomize.JSON.readTree(Repo.REALM.toFile()).get("clients")) {
            if (client.hasNonNull("secret")) {
                realmSecrets.put(client.get("clientId").asText(), client.get("secret").asText());
            }
        }
        List<Secret> secrets = render.all(Secret.class);
        assertThat(secrets).hasSizeGreaterThanOrEqualTo(Repo.SERVICES.size() + 2);
        for (Secret s : secrets) {
            String name = s.getMetadata().getName();
            assertThat(s.getData()).as(name + ": values in stringData, readable in review").isNullOrEmpty();
            assertThat(s.getStringData()).as(name).isNotEmpty();
            s.getStringData().forEach((key, value) -> {
                switch (key) {
                    case "username" -> assertThat(value).as(name + "/username").matches("[a-z][a-z0-9-]*");
                    case "oidc-client-secret" -> assertThat(value).as(name + "/" + key)
                            .isEqualTo(realmSecrets.get(name)).isEqualTo(name + "-secret");
                    default -> assertThat(value).as(name + "/" + key).isEqualTo(PLACEHOLDER);
                }
            });
        }
    }

    @ParameterizedTest
    @MethodSource("renders")
    void theRealmIsTheFileThePlatformLauncherImports(Rendered render) throws IOException {
        // the generator names that very file (by path, resolved from its kustomization)...
        Map<String, Object> k = Kustomize.readAll(Repo.DEPLOY.resolve("keycloak/kustomization.yaml")).get(0);
        List<?> generators = Kustomize.list(k.get("configMapGenerator"));
        assertThat(generators).hasSize(1);
        List<?> files = Kustomize.list(Kustomize.map(generators.get(0)).get("files"));
        assertThat(files).hasSize(1);
        assertThat(Repo.DEPLOY.resolve("keycloak").resolve((String) files.get(0)).normalize()).isEqualTo(Repo.REALM);
        // ...which is the file ./platform up imports (platform-launcher Keycloak.realm: <home>/deploy/keycloak/hyperai-realm.json)
        String launcher = Kustomize.read(Repo.ROOT.resolve(
                "platform-launcher/src/main/java/io/hyperai/launcher/Keycloak.java"));
        assertThat(launcher).contains("home.resolve(\"deploy/keycloak\").resolve(REALM_FILE)")
                .contains("REALM_FILE = \"hyperai-realm.json\"");
        // ...and the rendered ConfigMap holds exactly its content
        ConfigMap realm = render.configMap("hyperai-realm");
        assertThat(realm.getData()).containsOnlyKeys("hyperai-realm.json");
        assertThat(realm.getData().get("hyperai-realm.json")).isEqualTo(Files.readString(Repo.REALM));

        // Keycloak imports it
        Deployment keycloak = render.deployment("keycloak");
        PodSpec pod = keycloak.getSpec().getTemplate().getSpec();
        Container kc = pod.getContainers().get(0);
        assertThat(kc.getArgs()).contains("--import-realm");
        String volume = pod.getVolumes().stream()
                .filter(v -> v.getConfigMap() != null && "hyperai-realm".equals(v.getConfigMap().getName()))
                .findFirst().orElseThrow().getName();
        assertThat(kc.getVolumeMounts()).anyMatch(m -> m.getName().equals(volume)
                && m.getMountPath().equals("/opt/keycloak/data/import"));
    }

    @ParameterizedTest
    @MethodSource("renders")
    void everyDashboardFileIsProvisionedAsItIs(Rendered render) throws IOException {
        ConfigMap dashboards = render.configMap("hyperai-grafana-dashboards");
        assertThat(dashboards.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
        try (Stream<Path> files = Files.list(Repo.DASHBOARDS)) {
            List<Path> json = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
            assertThat(json).extracting(p -> p.getFileName().toString())
                    .contains("billing.json", "platform-overview.json");
            assertThat(dashboards.getData()).hasSameSizeAs(json);
            for (Path p : json) {
                assertThat(dashboards.getData().get(p.getFileName().toString())).as(p.toString())
                        .isEqualTo(Files.readString(p));
                JsonNode d = Kustomize.JSON.readTree(p.toFile());
                assertThat(d.get("uid").asText()).as(p + " uid").isNotBlank();
            }
        }
    }

    @Test
    void dashboardUidsAreDistinct() throws IOException {
        try (Stream<Path> files = Files.list(Repo.DASHBOARDS)) {
            List<String> uids = files.filter(p -> p.toString().endsWith(".json")).map(p -> {
                try {
                    return Kustomize.JSON.readTree(p.toFile()).get("uid").asText();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
            assertThat(uids).doesNotHaveDuplicates();
        }
    }
}
