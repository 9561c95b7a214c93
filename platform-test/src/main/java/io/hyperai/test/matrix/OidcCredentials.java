package io.hyperai.test.matrix;

import io.hyperai.test.OidcTestServer;

/** {@link Credentials} signed by the test OIDC provider; any user name is accepted (role user). */
public final class OidcCredentials implements Credentials {

    // a bad token claiming every role must still be refused
    private static final String[] ALL_ROLES = { "user", "admin", "service" };

    private final OidcTestServer oidc;

    public OidcCredentials(OidcTestServer oidc) {
        this.oidc = oidc;
    }

    @Override
    public String user(String name) {
        return OidcTestServer.USERS.containsKey(name) ? oidc.user(name) : oidc.token(name, "user");
    }

    @Override
    public String admin() {
        return oidc.user("admin");
    }

    @Override
    public String service() {
        return oidc.serviceToken("gear-service");
    }

    @Override
    public String expired() {
        return oidc.expiredToken("alice", ALL_ROLES);
    }

    @Override
    public String wrongIssuer() {
        return oidc.tokenFromOtherIssuer("alice", ALL_ROLES);
    }

    @Override
    public String wrongAudience() {
        return oidc.tokenForOtherAudience("alice", ALL_ROLES);
    }

    @Override
    public String forged() {
        return oidc.forgedToken("alice", ALL_ROLES);
    }
}
