package io.hyperai.common.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every size comes back byte for byte and hashed in order, whichever way it was written; a file that fills a chunk goes
 * direct.
 */
class LargeFileOutputTest {

    @TempDir
    Path dir;

    @Test
    void everySizeIsWrittenAsItCameWhateverTheWritesLookLike() throws IOException {
        Random random = new Random(5);
        int chunk = LargeFileOutput.CHUNK;
        for (int size : new int[] {0, 1, 4095, 4096, 4097, chunk - 1, chunk, chunk + 1, 3 * chunk + 12_345,
                24 * chunk + 7}) {
            byte[] content = new byte[size];
            random.nextBytes(content);
            Path file = dir.resolve("f" + size);
            MessageDigest digest = UploadStager.sha256();
            LargeFileOutput out = new LargeFileOutput(file, digest);
            try (out) {
                for (int off = 0; off < size; ) {
                    int n = Math.min(size - off, 1 + random.nextInt(200_000));
                    if (n == 1) {
                        out.write(content[off]);
                    } else {
                        out.write(content, off, n);
                    }
                    off += n;
                }
            }
            assertThat(Files.readAllBytes(file)).as("size %d", size).isEqualTo(content);
            assertThat(digest.digest()).as("size %d", size).isEqualTo(UploadStager.sha256().digest(content));
            // this machine's file systems take O_DIRECT: only what filled a chunk was written around the cache
            assertThat(out.direct()).as("size %d", size).isEqualTo(size >= chunk);
        }
    }

    @Test
    void aFileThatExistsIsNotOverwritten() throws IOException {
        Path file = Files.writeString(dir.resolve("there"), "kept");
        LargeFileOutput out = new LargeFileOutput(file, UploadStager.sha256());
        assertThatThrownBy(() -> {
            try (out) {
                out.write(new byte[LargeFileOutput.CHUNK + 1]);
            }
        }).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readString(file)).isEqualTo("kept");
        assertThatThrownBy(() -> {
            try (LargeFileOutput small = new LargeFileOutput(file, UploadStager.sha256())) {
                small.write(1);
            }
        }).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readString(file)).isEqualTo("kept");
    }
}
