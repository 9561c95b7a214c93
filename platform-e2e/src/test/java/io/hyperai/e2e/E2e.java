package io.hyperai.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * {@code @ExtendWith(E2e.class)}: one platform for every test class of the run, started by the first that needs it
 * and stopped (as {@code ./platform down} does) when JUnit closes its root store at the end, or by a shutdown hook. A
 * platform that failed to start is not tried again by the next class: they all fail with the same cause.
 */
public final class E2e implements BeforeAllCallback {

    private static Platform platform;
    private static KeycloakCredentials credentials;
    private static RuntimeException startFailure;
    private static long startedAt;

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).computeIfAbsent(E2e.class, k -> start(),
                AutoCloseable.class);
        if (startFailure != null) {
            throw startFailure;
        }
    }

    private static synchronized AutoCloseable start() {
        if (platform == null && startFailure == null) {
            startedAt = System.nanoTime();
            try {
                platform = Platform.start(Path.of(System.getProperty("hyperai.root", "..")).toAbsolutePath().normalize());
                credentials = new KeycloakCredentials(platform.keycloak());
            } catch (RuntimeException e) {
                startFailure = e;
            }
        }
        return E2e::stop;
    }

    private static synchronized void stop() {
        if (platform != null) {
            platform.close();
            System.out.printf("e2e: the suite took %.0f s, of which %.0f s to start the platform%n",
                    (System.nanoTime() - startedAt) / 1e9, platform.startedMillis() / 1e3);
            platform = null;
        }
    }

    /**
     * Executions run as local processes only where bubblewrap and Jupyter are installed ({@code .ci/run} installs
     * both); elsewhere the tests that run code are skipped, as the services' own sandbox tests are.
     */
    static void assumeLocalRuntime() {
        assumeTrue(Platform.LOCAL_RUNTIME, "needs /usr/bin/bwrap and jupyter-notebook (apt-get install bubblewrap "
                + "jupyter-notebook) for the local execution runtime");
    }

    static boolean onPath(String command) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    public static Platform platform() {
        return platform;
    }

    public static KeycloakCredentials credentials() {
        return credentials;
    }
}
