package io.hyperai.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** deploy/keycloak/hyperai-realm.json is THE realm: checks what the services and the CLI rely on. */
class RealmFileTest {

    static final List<String> SERVICE_CLIENTS = List.of("gear-service", "execution-service", "warehouse-service",
            "storage-service", "billing-service");

    static JsonNode realm;

    @BeforeAll
    static void read() throws IOException {
        Path file = Path.of(System.getProperty("hyperai.realm.file", "../deploy/keycloak/hyperai-realm.json"));
        realm = new ObjectMapper().readTree(Files.readAllBytes(file));
    }

    @Test
    void realmAndTokenLifespan() {
        assertThat(realm.path("realm").asText()).isEqualTo("hyperai");
        assertThat(realm.path("enabled").asBoolean()).isTrue();
        assertThat(realm.path("accessTokenLifespan").asInt()).isEqualTo(900);
    }

    @Test
    void realmRoles() {
        assertThat(names(realm.path("roles").path("realm"), "name")).contains("user", "admin", "service");
    }

    @Test
    void peopleWithPasswordsRolesAndACompleteProfile() {
        assertPerson("alice", List.of("user"), List.of("admin", "service"));
        assertPerson("bob", List.of("user"), List.of("admin", "service"));
        assertPerson("admin", List.of("admin", "user"), List.of("service"));
    }

    private static void assertPerson(String username, List<String> roles, List<String> notRoles) {
        JsonNode u = user(username);
        assertThat(u.path("enabled").asBoolean()).as(username).isTrue();
        assertThat(u.path("email").asText()).as(username).isNotBlank();
        assertThat(u.path("emailVerified").asBoolean()).as(username).isTrue();
        assertThat(u.path("firstName").asText()).as(username).isNotBlank();
        assertThat(u.path("lastName").asText()).as(username).isNotBlank();
        assertThat(u.path("requiredActions")).as(username).isEmpty();
        JsonNode cred = u.path("credentials").get(0);
        assertThat(cred.path("type").asText()).isEqualTo("password");
        assertThat(cred.path("value").asText()).isEqualTo(username);
        assertThat(cred.path("temporary").asBoolean()).isFalse();
        assertThat(texts(u.path("realmRoles"))).as(username).containsAll(roles).doesNotContainAnyElementsOf(notRoles);
    }

    @Test
    void aConfidentialClientPerServiceWithAServiceAccountHoldingRoleService() {
        for (String id : SERVICE_CLIENTS) {
            JsonNode c = client(id);
            assertThat(c.path("publicClient").asBoolean()).as(id).isFalse();
            assertThat(c.path("secret").asText()).as(id).isEqualTo(id + "-secret");
            assertThat(c.path("serviceAccountsEnabled").asBoolean()).as(id).isTrue();
            assertThat(c.path("standardFlowEnabled").asBoolean()).as(id).isFalse();
            assertThat(c.path("directAccessGrantsEnabled").asBoolean()).as(id).isFalse();
            JsonNode sa = user("service-account-" + id);
            assertThat(sa.path("serviceAccountClientId").asText()).isEqualTo(id);
            assertThat(texts(sa.path("realmRoles"))).as(id).contains("service").doesNotContain("user", "admin");
        }
    }

    @Test
    void publicCliClientWithPasswordAndDeviceGrants() {
        JsonNode c = client("hyperai-cli");
        assertThat(c.path("publicClient").asBoolean()).isTrue();
        assertThat(c.path("directAccessGrantsEnabled").asBoolean()).isTrue();
        assertThat(c.path("serviceAccountsEnabled").asBoolean()).isFalse();
        assertThat(c.path("attributes").path("oauth2.device.authorization.grant.enabled").asText()).isEqualTo("true");
    }

    @Test
    void everyTokenCarriesAudienceHyperaiApiAndRealmRoles() {
        JsonNode api = scope("hyperai-api");
        JsonNode aud = mapper(api, "oidc-audience-mapper");
        assertThat(aud.path("config").path("included.custom.audience").asText()).isEqualTo("hyperai-api");
        assertThat(aud.path("config").path("access.token.claim").asText()).isEqualTo("true");

        JsonNode roles = mapper(scope("roles"), "oidc-usermodel-realm-role-mapper");
        assertThat(roles.path("config").path("claim.name").asText()).isEqualTo("realm_access.roles");
        assertThat(roles.path("config").path("access.token.claim").asText()).isEqualTo("true");

        // since Keycloak 25 the "sub" claim comes from the basic scope; a realm that lists its scopes must keep it
        assertThat(mapper(scope("basic"), "oidc-sub-mapper")).isNotNull();

        List<String> all = new ArrayList<>(SERVICE_CLIENTS);
        all.add("hyperai-cli");
        for (String id : all) {
            assertThat(texts(client(id).path("defaultClientScopes"))).as(id).contains("hyperai-api", "roles", "basic");
        }
        assertThat(texts(realm.path("defaultDefaultClientScopes"))).contains("hyperai-api", "roles", "basic");
    }

    // ------------------------------------------------------------------ helpers

    private static JsonNode user(String username) {
        return find(realm.path("users"), "username", username);
    }

    private static JsonNode client(String clientId) {
        return find(realm.path("clients"), "clientId", clientId);
    }

    private static JsonNode scope(String name) {
        return find(realm.path("clientScopes"), "name", name);
    }

    private static JsonNode mapper(JsonNode scope, String type) {
        return find(scope.path("protocolMappers"), "protocolMapper", type);
    }

    private static JsonNode find(JsonNode array, String field, String value) {
        for (JsonNode n : array) {
            if (value.equals(n.path(field).asText())) {
                return n;
            }
        }
        throw new AssertionError("no element with " + field + " = " + value + " in " + names(array, field));
    }

    private static List<String> names(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.path(field).asText()));
        return out;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out.stream().collect(Collectors.toList());
    }
}
