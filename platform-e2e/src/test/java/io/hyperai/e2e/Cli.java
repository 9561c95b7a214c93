package io.hyperai.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code hyperai-cli/hyperai}, the command the README gives users, run as a process of its own (the packaged jar in
 * its own JVM, real exit codes), with a configuration folder of its own pointing at the running platform through the
 * environment, as a user would set {@code HYPERAI_*_URL}.
 */
final class Cli {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEFAULT_LIMIT = Duration.ofMinutes(5);

    record Result(int exitCode, String out, String err) {

        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (IOException e) {
                throw new AssertionError("not JSON on stdout: " + this, e);
            }
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private final Path root;
    private final Path configDir;
    private final Map<String, String> env;

    private Cli(Path root, Path configDir, Map<String, String> env) {
        this.root = root;
        this.configDir = configDir;
        this.env = env;
    }

    /** A CLI nobody has logged in to yet. */
    static Cli fresh() {
        Platform platform = E2e.platform();
        Path root = Path.of(System.getProperty("hyperai.root", "..")).toAbsolutePath().normalize();
        Map<String, String> env = new java.util.HashMap<>();
        for (String service : Platform.SERVICES) {
            env.put("HYPERAI_" + service.toUpperCase(java.util.Locale.ROOT) + "_URL", platform.url(service));
        }
        env.put("HYPERAI_AUTH_URL", platform.keycloak());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        try {
            Path dir = Files.createDirectories(root.resolve("platform-e2e/target/cli-homes/" + UUID.randomUUID()));
            env.put("HYPERAI_CONFIG_DIR", dir.toString());
            return new Cli(root, dir, Map.copyOf(env));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Result run(String... args) {
        return start(args).await(DEFAULT_LIMIT);
    }

    /** A command left running, for what must happen while it waits (a sign-in in the browser, a stop). */
    Running start(String... args) {
        List<String> cmd = new ArrayList<>(List.of(root.resolve("hyperai-cli/hyperai").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(env);
        try {
            return new Running(args, pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static final class Running {
        private final String[] args;
        private final Process process;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final ByteArrayOutputStream err = new ByteArrayOutputStream();
        private final Thread outReader;
        private final Thread errReader;

        private Running(String[] args, Process process) {
            this.args = args;
            this.process = process;
            outReader = copy(process.getInputStream(), out);
            errReader = copy(process.getErrorStream(), err);
        }

        private static Thread copy(InputStream from, ByteArrayOutputStream to) {
            Thread t = new Thread(() -> {
                byte[] buffer = new byte[8192];
                try (from) {
                    for (int n; (n = from.read(buffer)) >= 0;) {
                        synchronized (to) {
                            to.write(buffer, 0, n);
                        }
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            }, "hyperai-output");
            t.setDaemon(true);
            t.start();
            return t;
        }

        /** What it has printed on stderr so far. */
        String err() {
            synchronized (err) {
                return err.toString(StandardCharsets.UTF_8);
            }
        }

        String out() {
            synchronized (out) {
                return out.toString(StandardCharsets.UTF_8);
            }
        }

        Result await(Duration within) {
            try {
                if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError("hyperai " + String.join(" ", args) + " still runs after " + within
                            + "\n--- stdout\n" + out() + "--- stderr\n" + err());
                }
                outReader.join();
                errReader.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            Result result = new Result(process.exitValue(), out(), err());
            System.out.println("$ hyperai " + String.join(" ", args) + "\n" + result);
            return result;
        }
    }

    Path credentialsFile() {
        return configDir.resolve("credentials.json");
    }

    /** What {@code hyperai login} kept. */
    ObjectNode credentials() {
        try {
            return (ObjectNode) JSON.readTree(credentialsFile().toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void writeCredentials(JsonNode credentials) {
        try {
            Files.writeString(credentialsFile(), JSON.writeValueAsString(credentials));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
