package io.hyperai.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Keycloak from Maven Central ({@code org.keycloak:keycloak-quarkus-dist}), unpacked once into the data folder and run
 * in development mode with the realm of {@code deploy/keycloak/hyperai-realm.json}.
 */
final class Keycloak {

    /** The parent pom's {@code keycloak.version}, filtered into the jar. */
    static final String VERSION = version();
    static final String REALM = "hyperai";
    static final String REALM_FILE = "hyperai-realm.json";
    static final String REALM_RESOURCE = "META-INF/hyperai/keycloak/" + REALM_FILE;
    static final String ARTIFACT = "org.keycloak:keycloak-quarkus-dist:" + VERSION + ":tar.gz";
    static final String TARBALL = "keycloak-quarkus-dist-" + VERSION + ".tar.gz";
    static final String CENTRAL = "https://repo.maven.apache.org/maven2/org/keycloak/keycloak-quarkus-dist/"
            + VERSION + "/" + TARBALL;
    /** Keycloak's own administrator (realm master), not the hyperai user {@code admin}. */
    static final String BOOTSTRAP_ADMIN = "admin";
    static final String BOOTSTRAP_PASSWORD = "admin";

    private Keycloak() {
    }

    private static String version() {
        try (var in = Keycloak.class.getResourceAsStream("keycloak.properties")) {
            if (in == null) {
                throw new IllegalStateException("keycloak.properties is missing from the launcher's jar");
            }
            var p = new java.util.Properties();
            p.load(in);
            String v = p.getProperty("version", "");
            if (!v.matches("\\d+\\.\\d+\\.\\d+")) {
                throw new IllegalStateException("keycloak.properties has no version (was the resource filtered?): " + v);
            }
            return v;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String issuer(int port) {
        return "http://localhost:" + port + "/realms/" + REALM;
    }

    static String readinessUrl(int port) {
        return issuer(port) + "/.well-known/openid-configuration";
    }

    static String tokenUrl(int port) {
        return issuer(port) + "/protocol/openid-connect/token";
    }

    /** The unpacked distribution in the data folder, downloading and unpacking it the first time. */
    static Path distribution(Path dataDir, Path home, Consumer<String> say) {
        Path kcHome = dataDir.resolve("keycloak-" + VERSION);
        if (Files.isRegularFile(kcHome.resolve("bin/kc.sh"))) {
            return kcHome;
        }
        Path tarball = localRepository().resolve("org/keycloak/keycloak-quarkus-dist/" + VERSION + "/" + TARBALL);
        Path downloaded = null;
        if (!Files.isRegularFile(tarball)) {
            long t0 = System.nanoTime();
            say.accept("Downloading Keycloak " + VERSION + " (168 MiB, once) from Maven Central ...");
            Path downloads = dataDir.resolve("downloads");
            downloaded = download(home, downloads);
            tarball = downloaded;
            say.accept(String.format("Downloaded Keycloak in %.1f s", (System.nanoTime() - t0) / 1e9));
        }
        long t0 = System.nanoTime();
        Path unpack = dataDir.resolve(".keycloak-unpack");
        try {
            deleteRecursively(unpack);
            Files.createDirectories(unpack);
            run(List.of("tar", "xzf", tarball.toString(), "-C", unpack.toString()), dataDir, "unpacking " + tarball);
            Path unpacked = unpack.resolve("keycloak-" + VERSION);
            if (!Files.isRegularFile(unpacked.resolve("bin/kc.sh"))) {
                throw new IllegalStateException(tarball + " does not contain keycloak-" + VERSION + "/bin/kc.sh");
            }
            Files.move(unpacked, kcHome, StandardCopyOption.ATOMIC_MOVE);
            deleteRecursively(unpack);
            if (downloaded != null) {
                Files.deleteIfExists(downloaded); // the copy in the local Maven repository stays
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot unpack Keycloak into " + kcHome, e);
        }
        say.accept(String.format("Unpacked Keycloak into %s in %.1f s", kcHome, (System.nanoTime() - t0) / 1e9));
        return kcHome;
    }

    static Path localRepository() {
        String custom = System.getProperty("maven.repo.local");
        if (custom != null && !custom.isBlank()) {
            return Path.of(custom);
        }
        return Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    /** Through the project's Maven wrapper (settings, mirrors, proxies apply); straight from Central without one. */
    private static Path download(Path home, Path downloads) {
        try {
            Files.createDirectories(downloads);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path target = downloads.resolve(TARBALL);
        Path mvnw = home.resolve("mvnw");
        if (Files.isExecutable(mvnw)) {
            run(List.of(mvnw.toString(), "-q", "-B", "-N", "dependency:copy", "-Dartifact=" + ARTIFACT,
                    "-DoutputDirectory=" + downloads), home, "downloading " + ARTIFACT + " with " + mvnw);
            if (!Files.isRegularFile(target)) {
                throw new IllegalStateException(mvnw + " did not produce " + target);
            }
            return target;
        }
        Path part = downloads.resolve(TARBALL + ".part");
        try {
            HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                    .connectTimeout(Duration.ofSeconds(20)).build();
            HttpResponse<Path> r = client.send(HttpRequest.newBuilder(URI.create(CENTRAL)).GET().build(),
                    HttpResponse.BodyHandlers.ofFile(part));
            if (r.statusCode() != 200) {
                throw new IllegalStateException("GET " + CENTRAL + " answered " + r.statusCode());
            }
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot download " + CENTRAL, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while downloading Keycloak", e);
        }
    }

    /** The realm JSON: {@code <home>/deploy/keycloak/hyperai-realm.json}, else the copy inside the launcher jar. */
    static byte[] realm(Path home) {
        Path file = home.resolve("deploy/keycloak").resolve(REALM_FILE);
        try {
            if (Files.isRegularFile(file)) {
                return Files.readAllBytes(file);
            }
            try (InputStream in = Keycloak.class.getClassLoader().getResourceAsStream(REALM_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("No realm file: neither " + file + " nor " + REALM_RESOURCE
                            + " in the launcher jar");
                }
                return in.readAllBytes();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the realm " + file, e);
        }
    }

    /**
     * Puts the realm where {@code --import-realm} finds it. Keycloak imports a realm only when it does not exist yet,
     * so when the realm file changed since the last successful start, Keycloak's development database (which holds
     * nothing but that realm and sessions) is reset so that the file is imported again.
     *
     * @return the realm's hash, to {@link #markImported} once Keycloak is ready
     */
    static String prepareImport(Path kcHome, byte[] realm, Path runDir, Consumer<String> say) {
        String hash = sha256(realm);
        Path marker = runDir.resolve("keycloak-realm.sha256");
        Path db = kcHome.resolve("data/h2");
        try {
            String previous = Files.exists(marker) ? Files.readString(marker).trim() : null;
            if (Files.exists(db) && previous != null && !previous.equals(hash)) {
                say.accept("The realm file changed since the last start: resetting Keycloak's database to import it again");
                deleteRecursively(db);
            }
            Path importDir = kcHome.resolve("data/import");
            Files.createDirectories(importDir);
            Files.write(importDir.resolve(REALM_FILE), realm);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the realm import in " + kcHome, e);
        }
        return hash;
    }

    static void markImported(Path runDir, String hash) {
        try {
            Files.createDirectories(runDir);
            Files.writeString(runDir.resolve("keycloak-realm.sha256"), hash + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> command(Path kcHome, int port) {
        return List.of(kcHome.resolve("bin/kc.sh").toString(), "start-dev", "--http-port=" + port, "--import-realm");
    }

    static Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KC_BOOTSTRAP_ADMIN_USERNAME", BOOTSTRAP_ADMIN);
        env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", BOOTSTRAP_PASSWORD);
        env.put("JAVA_HOME", System.getProperty("java.home")); // the JDK that runs the launcher
        return env;
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void run(List<String> command, Path dir, String what) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).inheritIO()
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            int code = p.waitFor();
            if (code != 0) {
                throw new IllegalStateException("Failed " + what + " (exit code " + code + ")");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Failed " + what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while " + what, e);
        }
    }

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

}
