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
    private final String javaOpts;
    private final String jvm;
    private final boolean enabled;

    /**
     * What one start of an instance does about its archive: the JVM options, and the files it names (null when
     * neither is used). Decided once at the start, so that its stop keeps what this JVM wrote even if the application
     * was rebuilt meanwhile.
     */
    record Use(List<String> options, Path pending, Path archive) {
        static final Use NONE = new Use(List.of(), null, null);

        /** Whether the JVM writes the archive as it stops. */
        boolean writes() {
            return pending != null;
        }
    }

    /**
     * @param javaOpts the services' JVM options
     * @param jvm what the archive depends on besides the application: the JVM's build, home and options
     */
    ClassDataArchive(Path dir, String javaOpts, String jvm, boolean enabled) {
        this.dir = dir;
        this.javaOpts = javaOpts;
        this.jvm = jvm;
        this.enabled = enabled;
    }

    /**
     * In {@code <data>/cache/appcds}, for services run by this JVM's {@code java} with {@code javaOpts}, unless
     * {@code env} turns archives off.
     */
    static ClassDataArchive of(Path dataDir, String javaOpts, Map<String, String> env) {
        return new ClassDataArchive(dataDir.resolve("cache/appcds"), javaOpts, System.getProperty("java.vm.version")
                + "\n" + System.getProperty("java.home") + "\n" + javaOpts, !"off".equals(env.get(SWITCH_ENV)));
    }

    /** How a start of {@code instance} uses the archive of {@code jar}'s application, or has the JVM write it. */
    Use use(Instance instance, Path jar) {
        if (!enabled || OWN_CHOICE.stream().anyMatch(javaOpts::contains)) {
            return Use.NONE;
        }
        try {
            String key = key(jar);
            Path archive = archive(instance.service(), key);
            if (Files.isRegularFile(archive)) {
                return new Use(List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto"), null, archive);
            }
            Files.createDirectories(dir);
            Path pending = dir.resolve(instance.name() + "-" + key + ".jsa.writing");
            // without the warning of each class it leaves out (thousands, in the service's log)
            return new Use(List.of(WRITE + pending, "-Xlog:cds=error"), pending, archive);
        } catch (IOException | UncheckedIOException e) {
            return Use.NONE; // no application to key on or no cache directory: the JVM starts as it would without
        }
    }

    /**
     * After the instance stopped with {@code exitCode}: the archive it wrote becomes the service's if the JVM ended
     * normally (one killed while writing leaves half a file), and the service's archives of other builds go.
     */
    void stopped(Use use, Integer exitCode) {
        if (use.pending() == null || !Files.exists(use.pending())) {
            return;
        }
        try {
            if (exitCode != null && EXITED_WHOLE.contains(exitCode) && !Files.exists(use.archive())) {
                Files.move(use.pending(), use.archive(), StandardCopyOption.ATOMIC_MOVE);
                removeOthers(use.archive());
            } else {
                Files.delete(use.pending());
            }
        } catch (IOException e) {
            // the next start writes another
        }
    }

    /** The archive of {@code service} as its application around {@code jar} is now. */
    Path archive(Component service, Path jar) {
        return archive(service, key(jar));
    }

    private Path archive(Component service, String key) {
        return dir.resolve(service.moduleName() + "-" + key + ".jsa");
    }

    /** The service's archives of other builds: the archive's name up to its key is the service's. */
    private void removeOthers(Path keep) throws IOException {
        String name = keep.getFileName().toString();
        String service = name.substring(0, name.lastIndexOf('-') + 1);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String other = f.getFileName().toString();
                if (other.startsWith(service) && other.endsWith(".jsa") && !f.equals(keep)) {
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
