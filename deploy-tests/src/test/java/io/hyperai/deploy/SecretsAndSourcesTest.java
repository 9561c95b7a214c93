package io.hyperai.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/**
 * No credential and no person of the realm in the base or the prod overlay (scanned); the dev overlay's Secrets
 * hold only the documented public placeholders; the realms are generated from their one source file each, and the
 * production realm is the development realm with exactly the documented differences.
 */
class SecretsAndSourcesTest {

    /** The documented placeholder (docs/deploy.md, "Secrets"). */
    static final String PLACEHOLDER = "change-me";
    static final Path PROD_REALM = Repo.DEPLOY.resolve("overlays/prod/hyperai-realm.json");

    static List<Rendered> renders() {
        return Rendered.all();
    }

    static List<Rendered> withoutCredentials() {
        return List.of(Rendered.BASE, Rendered.PROD);
    }

    /** A Secret's values as text, from data (base64, as kustomize's generator writes them) or stringData. */
    static Map<String, String> decoded(Secret s) {
        Map<String, String> out = new TreeMap<>();
        if (s.getData() != null) {
            s.getData().forEach((k, v) -> out.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
        }
        if (s.getStringData() != null) {
            out.putAll(s.getStringData());
        }
        return out;
    }

    /**
     * The base and the prod overlay contain no Secret, and nothing in them, nor in any file under deploy/base,
     * carries a credential of the development setup (the placeholders, the realm's client secrets, its people's
     * passwords) or one of the realm's people: scanned as text, so a value moved into a ConfigMap, an env value or
     * an annotation is found too.
     */
    @ParameterizedTest
    @MethodSource("withoutCredentials")
    void noCredentialAndNoPersonOfTheRealm(Rendered render) throws IOException {
        assertThat(render.all(Secret.class)).as(render + ": Secrets come from the operator").isEmpty();
        Set<String> forbidden = developmentCredentials();
        assertThat(forbidden).contains(PLACEHOLDER, "gear-service-secret", "alice");
        StringBuilder everything = new StringBuilder();
        for (Kustomize.Resource r : render.raw) {
            everything.append(r.yaml()).append('\n');
        }
        try (Stream<Path> files = Files.walk(Repo.DEPLOY.resolve("base"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                everything.append(Files.readString(f)).append('\n');
            }
        }
        for (String value : forbidden) {
            assertThat(Pattern.compile("(?<![\\w-])" + Pattern.quote(value) + "(?![\\w-])").matcher(everything).find())
                    .as(render + " contains the development credential or person '" + value + "'").isFalse();
        }
        for (ConfigMap cm : render.all(ConfigMap.class)) {
            for (String text : cm.getData() == null ? List.<String>of() : cm.getData().values()) {
                if (text.trim().startsWith("{") && text.contains("\"realm\"")) {
                    for (JsonNode user : Kustomize.JSON.readTree(text).path("users")) {
                        assertThat(user.has("serviceAccountClientId")).as(render + ": realm user " + user.get("username")
                                + " in " + cm.getMetadata().getName()).isTrue();
                        assertThat(user.has("credentials")).isFalse();
                    }
                }
            }
        }
    }

    /**
     * What the development setup makes public: the placeholder, the realm's client secrets, and its people (names
     * and passwords; a service account is no person). Read from the realm file, so a new user is covered.
     */
    static Set<String> developmentCredentials() throws IOException {
        Set<String> out = new TreeSet<>(Set.of(PLACEHOLDER));
        JsonNode realm = Kustomize.JSON.readTree(Repo.REALM.toFile());
        for (JsonNode client : realm.get("clients")) {
            if (client.hasNonNull("secret")) {
                out.add(client.get("secret").asText());
            }
        }
        for (JsonNode user : realm.get("users")) {
            if (!user.has("serviceAccountClientId")) {
                out.add(user.get("username").asText());
            }
            for (JsonNode c : user.path("credentials")) {
                out.add(c.get("value").asText());
            }
        }
        // two people's names (and passwords) are also words of the platform: "hyperai" (the public datasets' owner;
        // the realm, namespace and cluster) and "admin" (the /api/v1/admin routes); they are found as realm users
        // by the structural check instead
        out.removeAll(Set.of("hyperai", "admin"));
        return out;
    }

    /**
     * The dev overlay's Secrets: every value is the placeholder, except a role's {@code username} (not a secret)
     * and a service's {@code oidc-client-secret}, which must be exactly the public local value of that client in
     * the realm file (documented there as LOCAL USE ONLY): the realm the dev cluster imports is that file. Every
     * Secret a Deployment of the base references is there.
     */
    @Test
    void theDevSecretsHoldOnlyDocumentedPlaceholders() throws IOException {
        Map<String, String> realmSecrets = new HashMap<>();
        for (JsonNode client : Kustomize.JSON.readTree(Repo.REALM.toFile()).get("clients")) {
            if (client.hasNonNull("secret")) {
                realmSecrets.put(client.get("clientId").asText(), client.get("secret").asText());
            }
        }
        List<Secret> secrets = Rendered.DEV.all(Secret.class);
        assertThat(secrets).extracting(s -> s.getMetadata().getName()).containsAll(Repo.SERVICES)
                .containsAll(referencedSecrets(Rendered.DEV).stream()
                        .filter(name -> !name.startsWith("kafka-") && !name.startsWith("hyperai-cluster-ca")).toList());
        for (Secret s : secrets) {
            String name = s.getMetadata().getName();
            assertThat(decoded(s)).as(name).isNotEmpty().allSatisfy((key, value) -> {
                switch (key) {
                    case "username" -> assertThat(value).as(name + "/username").matches("[a-z][a-z0-9-]*");
                    case "oidc-client-secret" -> assertThat(value).as(name + "/" + key)
                            .isEqualTo(realmSecrets.get(name)).isEqualTo(name + "-secret");
                    default -> assertThat(value).as(name + "/" + key).isEqualTo(PLACEHOLDER);
                }
            });
        }
    }

    /** Names of the Secrets the Deployments of a render read (env and volumes). */
    static Set<String> referencedSecrets(Rendered render) {
        Set<String> names = new TreeSet<>();
        for (Deployment d : render.all(Deployment.class)) {
            PodSpec pod = d.getSpec().getTemplate().getSpec();
            for (Container c : pod.getContainers()) {
                c.getEnv().stream().filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
                        .forEach(e -> names.add(e.getValueFrom().getSecretKeyRef().getName()));
            }
            pod.getVolumes().stream().filter(v -> v.getSecret() != null).forEach(v -> names.add(v.getSecret().getSecretName()));
        }
        return names;
    }

    @Test
    void theDevRealmIsTheFileThePlatformLauncherImports() throws IOException {
        // the component's generator names that very file (by path, resolved from its kustomization)...
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
        assertThat(realm(Rendered.DEV)).isEqualTo(Files.readString(Repo.REALM));
        assertThat(realm(Rendered.PROD)).isEqualTo(Files.readString(PROD_REALM));
    }

    /** The realm ConfigMap of a render, checked to be what its Keycloak imports. */
    static String realm(Rendered render) {
        ConfigMap realm = render.configMap("hyperai-realm");
        assertThat(realm.getData()).containsOnlyKeys("hyperai-realm.json");
        Deployment keycloak = render.deployment("keycloak");
        PodSpec pod = keycloak.getSpec().getTemplate().getSpec();
        Container kc = pod.getContainers().get(0);
        assertThat(kc.getArgs()).contains("--import-realm");
        String volume = pod.getVolumes().stream()
                .filter(v -> v.getConfigMap() != null && "hyperai-realm".equals(v.getConfigMap().getName()))
                .findFirst().orElseThrow().getName();
        assertThat(kc.getVolumeMounts()).anyMatch(m -> m.getName().equals(volume)
                && m.getMountPath().equals("/opt/keycloak/data/import"));
        return realm.getData().get("hyperai-realm.json");
    }

    /**
     * The production realm is the development realm with exactly these differences: no people (service accounts
     * stay: they carry role {@code service}), brute-force protection on, no password grant for a public client
     * (the CLI logs in with the device grant), and each confidential client's secret a placeholder Keycloak fills
     * from the environment at import, which the prod Keycloak Deployment takes from that service's own Secret.
     */
    @Test
    void theProdRealmIsTheDevRealmHardened() throws IOException {
        ObjectNode expected = (ObjectNode) Kustomize.JSON.readTree(Repo.REALM.toFile());
        ArrayNode users = expected.putArray("users");
        for (JsonNode u : Kustomize.JSON.readTree(Repo.REALM.toFile()).get("users")) {
            if (u.has("serviceAccountClientId")) {
                users.add(u);
            }
        }
        expected.put("bruteForceProtected", true).put("permanentLockout", false).put("failureFactor", 5)
                .put("waitIncrementSeconds", 60).put("maxFailureWaitSeconds", 900).put("maxDeltaTimeSeconds", 43200);
        Map<String, String> secretVariables = new TreeMap<>();
        for (JsonNode c : expected.get("clients")) {
            ObjectNode client = (ObjectNode) c;
            if (client.path("publicClient").asBoolean()) {
                client.put("directAccessGrantsEnabled", false);
                assertThat(client.path("attributes").path("oauth2.device.authorization.grant.enabled").asText())
                        .as(client.get("clientId") + " keeps the device grant").isEqualTo("true");
            } else if (client.has("secret")) {
                String variable = client.get("clientId").asText().toUpperCase().replace('-', '_') + "_CLIENT_SECRET";
                client.put("secret", "${" + variable + "}");
                secretVariables.put(variable, client.get("clientId").asText());
            }
        }
        assertThat(Kustomize.JSON.readTree(PROD_REALM.toFile())).isEqualTo(expected);
        assertThat(secretVariables.values()).containsExactlyInAnyOrderElementsOf(Repo.SERVICES);
        Container kc = Rendered.PROD.deployment("keycloak").getSpec().getTemplate().getSpec().getContainers().get(0);
        secretVariables.forEach((variable, client) -> assertThat(kc.getEnv()).as(variable).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo(variable);
            assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo(client);
            assertThat(e.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("oidc-client-secret");
        }));
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
