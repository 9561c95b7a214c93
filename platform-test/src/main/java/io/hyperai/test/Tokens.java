package io.hyperai.test;

/** Bearer tokens from the shared OIDC provider, for rest-assured calls in tests. */
public final class Tokens {

    private Tokens() {
    }

    public static String alice() {
        return SharedInfrastructure.oidc().user("alice");
    }

    public static String bob() {
        return SharedInfrastructure.oidc().user("bob");
    }

    public static String admin() {
        return SharedInfrastructure.oidc().user("admin");
    }

    public static String service(String clientId) {
        return SharedInfrastructure.oidc().serviceToken(clientId);
    }

    public static OidcTestServer provider() {
        return SharedInfrastructure.oidc();
    }
}
