package io.hyperai.e2e;

import java.nio.file.Path;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * {@code @ExtendWith(E2e.class)}: one platform for every test class of the run, started by the first that needs it
 * and stopped (launcher {@code down}) when JUnit closes its root store at the end, or by a shutdown hook.
 */
public final class E2e implements BeforeAllCallback {

    private static Platform platform;
    private static KeycloakCredentials credentials;

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).computeIfAbsent(E2e.class,
                k -> start(), AutoCloseable.class);
    }

    private static synchronized AutoCloseable start() {
        if (platform == null) {
            platform = Platform.start(Path.of(System.getProperty("hyperai.root", "..")).toAbsolutePath().normalize());
            credentials = new KeycloakCredentials(platform.keycloak());
        }
        return E2e::stop;
    }

    private static synchronized void stop() {
        if (platform != null) {
            platform.close();
            platform = null;
        }
    }

    public static Platform platform() {
        return platform;
    }

    public static KeycloakCredentials credentials() {
        return credentials;
    }
}
