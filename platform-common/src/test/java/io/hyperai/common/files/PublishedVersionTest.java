package io.hyperai.common.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Executions read versions as an unprivileged user, so a published version is readable by all. */
class PublishedVersionTest {

    @Test
    void filesThatArrivedPrivateArePublishedReadable(@TempDir Path root) throws Exception {
        Path staged = Files.createDirectories(root.resolve("staged/sub"));
        Path file = Files.writeString(staged.resolve("data.csv"), "a,b\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(staged, PosixFilePermissions.fromString("rwx------"));
        Path target = root.resolve("datasets/d1/v1");
        new UploadStager(root.resolve("uploads"), 100).publish(root.resolve("staged"), target);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve("sub/data.csv"))))
                .isEqualTo("rw-r--r--");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve("sub"))))
                .isEqualTo("rwxr-xr-x");
    }
}
