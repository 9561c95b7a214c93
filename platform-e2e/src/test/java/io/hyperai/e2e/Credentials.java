package io.hyperai.e2e;

/** Bearer tokens for tests on the running platform; each method returns the token string. */
public interface Credentials {

    /** A person of realm {@code hyperai} (password grant on the realm's public client). */
    String user(String name);

    /** The user {@code admin} (role admin). */
    String admin();

    /** A client-credentials token of a service client (role service). */
    String service();

    /** Signed by the realm, valid but for its expiry. */
    String expired();

    /** From another issuer (Keycloak's {@code master} realm). */
    String wrongIssuer();

    /** Signed by the realm, without the {@code hyperai-api} audience. */
    String wrongAudience();

    /** A valid token's claims re-signed with a key that is not the realm's (same header, same kid). */
    String forged();
}
