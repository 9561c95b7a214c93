package io.hyperai.e2e;

import static io.restassured.RestAssured.given;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.hyperai.test.matrix.Credentials;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * {@link Credentials} from the platform's real Keycloak. The odd tokens come from clients this class adds to realm
 * {@code hyperai} through Keycloak's admin REST API (as its bootstrap administrator): one whose access tokens live
 * one second, one whose tokens lack the {@code hyperai-api} audience scope. It also adds people on demand, so that
 * each test can have users of its own next to {@code alice} and {@code bob}.
 */
public final class KeycloakCredentials implements Credentials {

    static final String REALM = "hyperai";
    private static final String SHORT_LIVED = "e2e-short-lived";
    private static final String NO_AUDIENCE = "e2e-no-audience";
    private static final long REFRESH_MARGIN_SECONDS = 20;

    private record Token(String value, long expiresAt) {
    }

    private final String keycloak;
    private final Map<String, Token> cache = new ConcurrentHashMap<>();
    private String expired;

    KeycloakCredentials(String keycloak) {
        this.keycloak = keycloak;
    }

    @Override
    public String user(String name) {
        return cached("user:" + name, () -> password("hyperai-cli", name));
    }

    @Override
    public String admin() {
        return user("admin");
    }

    @Override
    public String service() {
        return cached("service", () -> token(REALM, Map.of("grant_type", "client_credentials", "client_id",
                "gear-service", "client_secret", "gear-service-secret")));
    }

    @Override
    public synchronized String expired() {
        if (expired == null) {
            ensureClient(SHORT_LIVED, Map.of("access.token.lifespan", "1"), true);
            String token = password(SHORT_LIVED, "alice").value();
            long exp = claims(token).getLong("exp");
            while (System.currentTimeMillis() / 1000 <= exp + 1) {
                Platform.sleep(250);
            }
            expired = token;
        }
        return expired;
    }

    @Override
    public String wrongIssuer() {
        return cached("master", () -> token("master", Map.of("grant_type", "password", "client_id", "admin-cli",
                "username", "admin", "password", "admin")));
    }

    @Override
    public String wrongAudience() {
        return cached("no-audience", () -> {
            ensureClient(NO_AUDIENCE, Map.of(), false);
            return password(NO_AUDIENCE, "alice");
        });
    }

    @Override
    public String forged() {
        String[] parts = user("alice").split("\\.");
        try {
            var keys = KeyPairGenerator.getInstance("RSA");
            keys.initialize(2048);
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(keys.generateKeyPair().getPrivate());
            rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            return parts[0] + "." + parts[1] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(rs256.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The user's id as the services see it: the token's {@code sub}. */
    public String id(String name) {
        return claims(user(name)).getString("sub");
    }

    /** The decoded payload of a JWT (no verification: only to read what the test was given). */
    static JsonPath claims(String jwt) {
        return JsonPath.from(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));
    }

    /** Adds a person with role {@code user} (password = name) unless the realm has one of that name. */
    public synchronized String newUser(String name) {
        String admin = wrongIssuer();
        Response r = given().baseUri(keycloak).auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("username", name, "enabled", true, "emailVerified", true, "firstName", name,
                        "lastName", "E2e", "email", name + "@e2e.example",
                        "credentials", List.of(Map.of("type", "password", "value", name, "temporary", false))))
                .post("/admin/realms/" + REALM + "/users");
        if (r.statusCode() == 201) {
            String location = r.header("Location");
            String id = location.substring(location.lastIndexOf('/') + 1);
            Object role = given().baseUri(keycloak).auth().oauth2(admin).get("/admin/realms/" + REALM + "/roles/user")
                    .then().statusCode(200).extract().as(Map.class);
            given().baseUri(keycloak).auth().oauth2(admin).contentType(ContentType.JSON).body(List.of(role))
                    .post("/admin/realms/" + REALM + "/users/" + id + "/role-mappings/realm").then().statusCode(204);
        } else if (r.statusCode() != 409) {
            throw new IllegalStateException("Cannot add user " + name + ": " + r.statusCode() + " " + r.asString());
        }
        return id(name);
    }

    /** A public client with the password grant; with or without the realm's default scopes (and so the audience). */
    private void ensureClient(String clientId, Map<String, String> attributes, boolean withAudience) {
        List<String> scopes = withAudience ? List.of("basic", "roles", "profile", "email", "hyperai-api")
                : List.of("basic", "roles", "profile", "email");
        Response r = given().baseUri(keycloak).auth().oauth2(wrongIssuer()).contentType(ContentType.JSON)
                .body(Map.of("clientId", clientId, "enabled", true, "publicClient", true,
                        "directAccessGrantsEnabled", true, "standardFlowEnabled", false, "attributes", attributes,
                        "defaultClientScopes", scopes))
                .post("/admin/realms/" + REALM + "/clients");
        if (r.statusCode() != 201 && r.statusCode() != 409) {
            throw new IllegalStateException("Cannot add client " + clientId + ": " + r.statusCode() + " " + r.asString());
        }
    }

    private Token password(String client, String name) {
        return token(REALM, Map.of("grant_type", "password", "client_id", client, "username", name, "password", name));
    }

    private Token token(String realm, Map<String, String> form) {
        long now = System.currentTimeMillis() / 1000;
        JsonPath json = given().baseUri(keycloak).contentType(ContentType.URLENC).formParams(form)
                .post("/realms/" + realm + "/protocol/openid-connect/token").then().statusCode(200).extract()
                .jsonPath();
        return new Token(json.getString("access_token"), now + json.getLong("expires_in"));
    }

    private String cached(String key, java.util.function.Supplier<Token> fetch) {
        Token t = cache.get(key);
        if (t == null || t.expiresAt() - REFRESH_MARGIN_SECONDS < System.currentTimeMillis() / 1000) {
            t = fetch.get();
            cache.put(key, t);
        }
        return t.value();
    }
}
