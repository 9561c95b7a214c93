package io.hyperai.execution.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The save pod's script, run here with /bin/sh, tar and head (the helper image has the same tools): it copies the
 * home as it is, follows no link, replaces an earlier attempt, and writes no more than the disk limit whatever the
 * home holds.
 */
class HomeSaveScriptTest {

    @TempDir
    Path dir;
    Path home;
    Path saved;

    @BeforeEach
    void dirs() throws IOException {
        home = Files.createDirectories(dir.resolve("home"));
        saved = Files.createDirectories(dir.resolve("saved"));
    }

    private int save(long limit) throws Exception {
        Process p = new ProcessBuilder("/bin/sh", "-c", HomeSave.script(home.toString(), saved.toString(), limit))
                .redirectErrorStream(true).redirectOutput(dir.resolve("save.log").toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    @Test
    void theHomeIsCopiedAsItIsWithoutFollowingLinks() throws Exception {
        Files.createDirectories(home.resolve("checkpoints"));
        Files.write(home.resolve("checkpoints/model.bin"), new byte[12_345]);
        Files.writeString(home.resolve(".hidden"), "x");
        Files.createSymbolicLink(home.resolve("escape"), Path.of("/etc"));
        Files.createLink(home.resolve("twin.bin"), home.resolve("checkpoints/model.bin"));
        Files.writeString(saved.resolve("left-by-an-earlier-attempt"), "old");

        assertThat(save(1 << 20)).isZero();

        assertThat(Files.size(saved.resolve("checkpoints/model.bin"))).isEqualTo(12_345);
        assertThat(Files.readString(saved.resolve(".hidden"))).isEqualTo("x");
        assertThat(Files.isSymbolicLink(saved.resolve("escape"))).isTrue();
        assertThat(Files.readSymbolicLink(saved.resolve("escape"))).isEqualTo(Path.of("/etc"));
        assertThat(Files.exists(saved.resolve("left-by-an-earlier-attempt"))).isFalse();
        assertThat(Dirs.size(saved)).isEqualTo(Dirs.size(home));
    }

    @Test
    void aSparseFileFarOverTheLimitIsCutAtTheLimit() throws Exception {
        long limit = 1 << 20;
        try (RandomAccessFile f = new RandomAccessFile(home.resolve("sparse").toFile(), "rw")) {
            f.setLength(8L << 30); // 8 GiB that take no space in the home, but would in a copy
        }
        assertThat(save(limit)).isEqualTo(HomeSave.OVER_LIMIT);
        assertThat(Dirs.size(saved)).isLessThanOrEqualTo(limit);
        assertThat(Files.readString(dir.resolve("save.log"))).contains("more than the disk limit");
    }

    @Test
    void manyEntriesCostTheirHeadersSoTheirNumberIsBoundedToo() throws Exception {
        long limit = 64 << 10;
        for (int i = 0; i < 2000; i++) {
            Files.createFile(home.resolve("empty-" + i));
        }
        assertThat(save(limit)).isEqualTo(HomeSave.OVER_LIMIT);
        try (Stream<Path> entries = Files.list(saved)) {
            assertThat(entries.count()).isLessThanOrEqualTo(limit / 512);
        }
    }

    @Test
    void aHomeWhoseStreamIsExactlyTheLimitIsSavedWhole() throws Exception {
        Files.write(home.resolve("data"), new byte[100_000]);
        Process p = new ProcessBuilder("/bin/sh", "-c", "tar -C " + home + " -cf - . | wc -c").start();
        long stream = Long.parseLong(new String(p.getInputStream().readAllBytes()).trim());
        assertThat(save(stream)).isZero();
        assertThat(Files.size(saved.resolve("data"))).isEqualTo(100_000);
        assertThat(save(stream - 1)).isEqualTo(HomeSave.OVER_LIMIT);
    }
}
