package io.hyperai.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Application Class Data Sharing for the services (docs/benchmarks.md, "Footprint and start"): a service run without
 * an archive writes one of the classes it loaded when it stops ({@code -XX:ArchiveClassesAtExit}); the runs after map
 * it ({@code -XX:SharedArchiveFile}) instead of loading and verifying those classes again. An archive is named after
 * the service's packaged application (every file's path, size and time) and the JVM with its options, so a rebuilt
 * service or another JDK gets a fresh one; {@code -Xshare:auto} lets the JVM start without an archive it cannot use.
 * Building the archive at package time instead (Quarkus's {@code appcds}) would run every service during the build.
 */
final class ClassDataArchive {

    /** Options that already decide about class data sharing: the launcher then adds none. */
    private static final List<String> OWN_CHOICE = List.of("-Xshare", "SharedArchiveFile", "ArchiveClassesAtExit");
    /** How a JVM that wrote its archive at exit ends: on its own, or on SIGINT or SIGTERM. */
    private static final Set<Integer> EXITED_WHOLE = Set.of(0, 130, 143);

    /** {@code off}: no archives (a data directory used once, as the e2e tests' each run, would pay for writing one). */
    static final String SWITCH_ENV = "HYPERAI_SERVICE_CLASS_ARCHIVES";
    private static final String WRITE = "-XX:ArchiveClassesAtExit=";
    /**
     * How much longer a JVM that writes its archive may take to stop: it writes after the service stopped (about 6 s
     * for execution-service on two busy cores, whose own stop takes 12-15 s); killed, it leaves no archive.
     */
    static final Duration WRITING_TIME = Duration.ofSeconds(30);

    private final Path dir;
    private final String jvm;
    private final boolean enabled;

    /** @param jvm what the archive depends on besides the application: the JVM's build, home and options */
    ClassDataArchive(Path dir, String jvm, boolean enabled) {
        this.dir = dir;
        this.jvm = jvm;
        this.enabled = enabled;
    }

    /**
     * In {@code <data>/cache/appcds}, for services run by this JVM's {@code java} with {@code javaOpts}, unless
     * {@code env} turns archives off.
     */
    static ClassDataArchive of(Path dataDir, String javaOpts, Map<String, String> env) {
        return new ClassDataArchive(dataDir.resolve("cache/appcds"), System.getProperty("java.vm.version") + "\n"
                + System.getProperty("java.home") + "\n" + javaOpts, !"off".equals(env.get(SWITCH_ENV)));
    }

    /** The JVM options that use the archive of {@code jar}'s application, or have this instance write it. */
    List<String> options(Instance instance, Path jar, String javaOpts) {
        if (!enabled || OWN_CHOICE.stream().anyMatch(javaOpts::contains)) {
            return List.of();
        }
        try {
            Path archive = archive(instance.service(), jar);
            if (Files.isRegularFile(archive)) {
                return List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto");
            }
            Files.createDirectories(dir);
            // without the warning of each class it leaves out (thousands, in the service's log)
            return List.of(WRITE + pending(instance, jar), "-Xlog:cds=error");
        } catch (IOException | UncheckedIOException e) {
            return List.of(); // no application to key on or no cache directory: the JVM starts as it would without
        }
    }

    /** Whether a JVM started with {@code options} writes an archive as it stops. */
    static boolean writes(List<String> options) {
        return options.stream().anyMatch(o -> o.startsWith(WRITE));
    }

    /**
     * After the instance stopped with {@code exitCode}: the archive it wrote becomes the service's if the JVM ended
     * normally (one killed while writing leaves half a file), and the service's archives of other builds go.
     */
    void stopped(Instance instance, Path jar, Integer exitCode) {
        try {
            Path pending = pending(instance, jar);
            if (!Files.exists(pending)) {
                return;
            }
            Path archive = archive(instance.service(), jar);
            if (exitCode != null && EXITED_WHOLE.contains(exitCode) && !Files.exists(archive)) {
                Files.move(pending, archive, StandardCopyOption.ATOMIC_MOVE);
                removeOthers(instance.service(), archive);
            } else {
                Files.delete(pending);
            }
        } catch (IOException | UncheckedIOException e) {
            // the next start writes another
        }
    }

    Path archive(Component service, Path jar) {
        return dir.resolve(service.moduleName() + "-" + key(jar) + ".jsa");
    }

    private Path pending(Instance instance, Path jar) {
        return dir.resolve(instance.name() + "-" + key(jar) + ".jsa.writing");
    }

    private void removeOthers(Component service, Path keep) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.startsWith(service.moduleName() + "-") && name.endsWith(".jsa") && !f.equals(keep)) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    /** What the archive depends on: the JVM, and every file of the application around {@code jar}. */
    String key(Path jar) {
        try (Stream<Path> files = Files.walk(jar.getParent())) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(jvm.getBytes(StandardCharsets.UTF_8));
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                sha.update(("\n" + jar.getParent().relativize(f) + " " + a.size() + " " + a.lastModifiedTime().toMillis())
                        .getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + jar.getParent(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
