package io.hyperai.execution.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local runtime's save of a home: never more than the disk limit is written, whatever the home holds, and what
 * fits is copied whole.
 */
class DirsTest {

    @TempDir
    Path home;
    @TempDir
    Path saved;

    @Test
    void filesAreCopiedWholeWhileTheyFitAndTheOneThatDoesNotIsLeftOut(@TempDir Path whole) throws IOException {
        Files.createDirectories(home.resolve("sub"));
        Files.write(home.resolve("sub/small.bin"), new byte[1_000]);
        Files.write(home.resolve("big.bin"), new byte[10_000]);
        // two directories and the small file fit; the big file would take the copy past the limit
        assertThat(Dirs.copy(home, saved, 3 * Dirs.ENTRY_BYTES + 1_000 + 5_000)).isFalse();
        assertThat(Files.size(saved.resolve("sub/small.bin"))).isEqualTo(1_000);
        assertThat(saved.resolve("big.bin")).doesNotExist();

        assertThat(Dirs.copy(home, whole, 4 * Dirs.ENTRY_BYTES + 11_000)).isTrue();
        assertThat(Dirs.size(whole)).isEqualTo(11_000);
    }

    @Test
    void aSparseFileFarOverTheLimitIsNotWrittenOut() throws IOException {
        Files.writeString(home.resolve("kept.txt"), "kept");
        try (RandomAccessFile f = new RandomAccessFile(home.resolve("sparse").toFile(), "rw")) {
            f.setLength(8L << 30); // 8 GiB that take no space in the home, but would in a copy
        }
        assertThat(Dirs.copy(home, saved, 1 << 20)).isFalse();
        assertThat(Dirs.size(saved)).isEqualTo(4);
        assertThat(saved.resolve("sparse")).doesNotExist();
    }

    @Test
    void manyEntriesCostTheirShareSoTheirNumberIsBoundedToo() throws IOException {
        long limit = 64 << 10;
        for (int i = 0; i < 2000; i++) {
            Files.createFile(home.resolve("empty-" + i));
        }
        assertThat(Dirs.copy(home, saved, limit)).isFalse();
        try (Stream<Path> entries = Files.list(saved)) {
            assertThat(entries.count()).isEqualTo(limit / Dirs.ENTRY_BYTES - 1);
        }
    }
}
