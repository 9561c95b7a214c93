package io.hyperai.launcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Keycloak in dev mode from its distribution (fetched once), importing the realm file when it changed. */
final class KeycloakPart extends ProcessPart {

    static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private byte[] realm;
    private Path kcHome;
    private String realmHash;

    KeycloakPart(UpContext ctx) {
        super(Component.KEYCLOAK, ctx, STOP_GRACE);
    }

    @Override
    String label() {
        return "Keycloak";
    }

    @Override
    void prepare() {
        realm = Keycloak.realm(ctx.home);
        try {
            kcHome = Keycloak.distribution(ctx.data, ctx.home, ctx::say);
        } catch (RuntimeException e) {
            throw new StartFailure("Cannot get Keycloak " + Keycloak.VERSION + " (" + Keycloak.ARTIFACT
                    + " from Maven Central): " + e.getMessage(), null);
        }
    }

    @Override
    String startingDetail() {
        return Files.exists(kcHome.resolve("data/h2")) ? "" : " (first start: about 1-2 minutes)";
    }

    @Override
    void start() {
        realmHash = Keycloak.prepareImport(kcHome, realm, ctx.state.dir(), ctx::say);
        launch("keycloak", Keycloak.command(kcHome, ctx.port(component)), Keycloak.environment(), kcHome);
    }

    @Override
    boolean ready() {
        return Http.ok(Keycloak.readinessUrl(ctx.port(component)));
    }

    @Override
    void becameReady() {
        Keycloak.markImported(ctx.state.dir(), realmHash);
    }

    @Override
    String address() {
        return "http://localhost:" + ctx.port(component);
    }

    @Override
    String readyDetail() {
        return "; realm " + Keycloak.REALM;
    }

    @Override
    String notReadyDetail() {
        return " (" + Keycloak.readinessUrl(ctx.port(component)) + ")";
    }
}
