package io.hyperai.common.security;

import jakarta.enterprise.context.RequestScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * Who is calling. The owner of everything a user creates is the token's subject; no endpoint takes
 * a user id from the request body.
 */
@RequestScoped
public class CurrentUser {

    public static final String ROLE_USER = "user";
    public static final String ROLE_ADMIN = "admin";
    public static final String ROLE_SERVICE = "service";

    private final SecurityIdentity identity;

    public CurrentUser(SecurityIdentity identity) {
        this.identity = identity;
    }

    public String id() {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt) || jwt.getSubject() == null) {
            throw new UnauthorizedException();
        }
        return jwt.getSubject();
    }

    /** The user's name ({@code preferred_username}), or the id when the token has none. */
    public String name() {
        String id = id();
        String name = ((JsonWebToken) identity.getPrincipal()).getClaim("preferred_username");
        return name == null || name.isBlank() ? id : name;
    }

    public boolean isAdmin() {
        return identity.hasRole(ROLE_ADMIN);
    }
}
