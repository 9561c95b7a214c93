package io.hyperai.test.matrix;

/**
 * Where the matrices get their bearer tokens, so they run unchanged against the test OIDC provider
 * ({@link OidcCredentials}) or a real Keycloak. Each method returns a bearer token string.
 */
public interface Credentials {

    /** A plain user ({@code "alice"}, {@code "bob"}). */
    String user(String name);

    /** A user with role admin. */
    String admin();

    /** A client-credentials token of a service (role service). */
    String service();

    String expired();

    String wrongIssuer();

    String wrongAudience();

    /** Correct claims, signed with a key the provider never published. */
    String forged();
}
