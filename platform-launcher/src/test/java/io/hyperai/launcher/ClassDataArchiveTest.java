package io.hyperai.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import javax.tools.ToolProvider;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real JVMs writing, using and refusing archives of a small application packaged as a service's jar would be. */
class ClassDataArchiveTest {

    private static final Instance GEAR = Instance.only(Component.GEAR, 8101);
    private static final String OPTS = "-XX:+UseSerialGC -Xmx64m";

    @TempDir
    Path tmp;
    private Path jar;
    private ClassDataArchive archives;

    @BeforeEach
    void packageTheApplication() throws Exception {
        jar = packageApp(tmp.resolve("gear-service/target/quarkus-app"), "hello from the app");
        archives = ClassDataArchive.of(tmp.resolve("data"), OPTS, Map.of());
    }

    @Test
    void theFirstRunWritesTheArchiveAndTheNextUsesIt() throws Exception {
        ClassDataArchive.Use first = archives.use(GEAR, jar);
        assertThat(first.writes()).isTrue();
        Run written = run(first.options());
        assertThat(written.exit).isZero();
        archives.stopped(first, written.exit);
        Path archive = archives.archive(Component.GEAR, jar);
        assertThat(archive).isRegularFile();

        ClassDataArchive.Use next = archives.use(GEAR, jar);
        assertThat(next.options()).containsExactly("-XX:SharedArchiveFile=" + archive, "-Xshare:auto");
        assertThat(next.writes()).isFalse();
        Run used = run(next.options(), "-Xlog:class+load=info");
        assertThat(used.exit).isZero();
        assertThat(used.output).contains("hello from the app")
                .containsPattern("app\\.Main source: shared objects file \\(top\\)");
    }

    @Test
    void anUnusableArchiveStillLetsTheServiceStart() throws Exception {
        Path archive = archives.archive(Component.GEAR, jar);
        Files.createDirectories(archive.getParent());
        Files.write(archive, "not an archive".repeat(1000).getBytes(StandardCharsets.UTF_8));
        Run run = run(archives.use(GEAR, jar).options(), "-Xlog:class+load=info");
        assertThat(run.exit).isZero();
        assertThat(run.output).contains("hello from the app").doesNotContain("shared objects file (top)");
    }

    @Test
    void aRebuiltApplicationGetsAFreshArchiveThatReplacesTheOld() throws Exception {
        ClassDataArchive.Use first = archives.use(GEAR, jar);
        archives.stopped(first, run(first.options()).exit);
        Path old = archives.archive(Component.GEAR, jar);
        assertThat(old).isRegularFile();

        Path lib = jar.resolveSibling("lib/main/app.jar");
        Files.setLastModifiedTime(lib, FileTime.fromMillis(Files.getLastModifiedTime(lib).toMillis() + 5_000));
        assertThat(archives.archive(Component.GEAR, jar)).isNotEqualTo(old);
        ClassDataArchive.Use rebuilt = archives.use(GEAR, jar);
        assertThat(rebuilt.writes()).isTrue();
        archives.stopped(rebuilt, run(rebuilt.options()).exit);
        assertThat(archives.archive(Component.GEAR, jar)).isRegularFile();
        assertThat(old).doesNotExist();
    }

    @Test
    void anotherJvmOrOtherOptionsGetTheirOwnArchive() {
        Path mine = archives.archive(Component.GEAR, jar);
        assertThat(ClassDataArchive.of(tmp.resolve("data"), OPTS + " -XX:-UseCompressedOops", Map.of())
                .archive(Component.GEAR, jar)).isNotEqualTo(mine);
        assertThat(new ClassDataArchive(tmp.resolve("data/cache/appcds"), OPTS, "another JVM", true)
                .archive(Component.GEAR, jar)).isNotEqualTo(mine);
        assertThat(archives.archive(Component.BILLING, jar)).isNotEqualTo(mine);
    }

    @Test
    void anArchiveOfAJvmKilledWhileWritingItIsDropped() throws Exception {
        ClassDataArchive.Use first = archives.use(GEAR, jar);
        Path pending = Path.of(first.options().get(0).substring("-XX:ArchiveClassesAtExit=".length()));
        Files.createDirectories(pending.getParent());
        Files.writeString(pending, "half an archive");
        archives.stopped(first, 137);
        assertThat(pending).doesNotExist();
        assertThat(archives.archive(Component.GEAR, jar)).doesNotExist();
        assertThat(archives.use(GEAR, jar).options()).isEqualTo(first.options());
    }

    @Test
    void optionsThatChooseForThemselvesAreLeftAlone() {
        assertThat(ClassDataArchive.of(tmp.resolve("data"), OPTS + " -Xshare:off", Map.of()).use(GEAR, jar).options())
                .isEmpty();
        assertThat(ClassDataArchive.of(tmp.resolve("data"), "-XX:SharedArchiveFile=/elsewhere.jsa", Map.of())
                .use(GEAR, jar).options()).isEmpty();
    }

    @Test
    void turnedOffNoOptions() {
        assertThat(ClassDataArchive.of(tmp.resolve("data"), OPTS, Map.of(ClassDataArchive.SWITCH_ENV, "off"))
                .use(GEAR, jar).options()).isEmpty();
    }

    @Test
    void noApplicationNoOptions() {
        assertThat(archives.use(GEAR, tmp.resolve("missing/quarkus-run.jar")).options()).isEmpty();
    }

    private record Run(int exit, String output) {
    }

    private Run run(List<String> archiveOptions, String... more) throws Exception {
        List<String> cmd = new ArrayList<>(ServiceEnv.command(Path.of(System.getProperty("java.home")), OPTS,
                archiveOptions, jar));
        cmd.addAll(1, List.of(more));
        Path out = Files.createTempFile(tmp, "run", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), Files.readString(out));
    }

    /** Like a Quarkus fast jar: a runner jar whose manifest puts the application's jar from lib/ on the class path. */
    private static Path packageApp(Path appDir, String greeting) throws Exception {
        Path src = appDir.resolveSibling("src/app/Main.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, "package app; public class Main { public static void main(String[] a) {"
                + " System.out.println(\"" + greeting + "\"); } }");
        Path classes = appDir.resolveSibling("classes");
        assertThat(ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(),
                src.toString())).isZero();
        Path lib = appDir.resolve("lib/main/app.jar");
        Files.createDirectories(lib.getParent());
        try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(lib))) {
            j.putNextEntry(new JarEntry("app/Main.class"));
            j.write(Files.readAllBytes(classes.resolve("app/Main.class")));
            j.closeEntry();
        }
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "app.Main");
        m.getMainAttributes().put(Attributes.Name.CLASS_PATH, "lib/main/app.jar");
        Path runner = appDir.resolve("quarkus-run.jar");
        try (OutputStream o = Files.newOutputStream(runner); JarOutputStream j = new JarOutputStream(o, m)) {
            j.flush();
        }
        return runner;
    }
}
