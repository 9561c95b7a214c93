package io.hyperai.execution.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SocketDirsTest {

    private static final int UID = (int) uid();

    @TempDir
    Path tmp;

    @Test
    void aDeepDataDirectoryStillGivesSocketPathsTheKernelAccepts() throws IOException {
        Path deep = tmp.resolve("a".repeat(60)).resolve("b".repeat(60)).resolve("executions");
        SocketDirs dirs = SocketDirs.prepare(Optional.empty(), deep, UID);
        String id = UUID.randomUUID().toString();
        assertThat(dirs.socket(id).toString().length()).isLessThanOrEqualTo(SocketDirs.MAX_SOCKET_PATH);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dirs.root()))).isEqualTo("rwx--x--x");
        Path dir = dirs.create(id);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        dirs.remove(id);
        assertThat(dir).doesNotExist();
        Files.delete(dirs.root());
    }

    @Test
    void aConfiguredRootTooDeepForSocketsIsRefusedWithTheReason() {
        Path deep = tmp.resolve("x".repeat(80));
        assertThatThrownBy(() -> SocketDirs.prepare(Optional.of(deep.toString()), tmp, UID))
                .hasMessageContaining("over the kernel's 107").hasMessageContaining("socket-root");
    }

    @Test
    void anotherInstancesSocketsStayAndIdsCannotLeaveTheRoot() throws IOException {
        Path root = tmp.resolve("s");
        Files.createDirectories(root.resolve("running-elsewhere"));
        Files.writeString(root.resolve("running-elsewhere/jupyter.sock"), "the leader's");
        SocketDirs dirs = SocketDirs.prepare(Optional.of(root.toString()), tmp, UID);
        assertThat(root.resolve("running-elsewhere/jupyter.sock")).hasContent("the leader's");
        dirs.remove("running-elsewhere");
        assertThat(root.resolve("running-elsewhere")).doesNotExist();
        assertThatThrownBy(() -> dirs.create("../elsewhere")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> dirs.create("a/b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRootThatIsALinkOrSomeoneElsesIsRefused() throws IOException {
        Path target = Files.createDirectory(tmp.resolve("target"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), target);
        assertThatThrownBy(() -> SocketDirs.prepare(Optional.of(link.toString()), tmp, UID))
                .hasMessageContaining("symbolic link");
        assertThatThrownBy(() -> SocketDirs.prepare(Optional.of(target.toString()), tmp, UID + 1))
                .hasMessageContaining("belongs to uid " + UID);
    }

    private static long uid() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
