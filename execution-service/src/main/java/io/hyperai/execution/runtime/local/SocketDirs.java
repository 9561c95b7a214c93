package io.hyperai.execution.runtime.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

import io.hyperai.common.files.UploadStager;

/**
 * The directories workspaces' Jupyter servers put their sockets in, one per execution, bound into its sandbox at
 * {@link SandboxCommand#RUN_DIR}. They are kept apart from the data directory because a Unix socket's path is at
 * most 107 bytes ({@code sun_path}), which {@code <data>/executions/<uuid>/run/jupyter.sock} exceeds as soon as the
 * data directory is a few levels deep (a CI clone's was: every workspace answered 503).
 */
public final class SocketDirs {

    /** {@code sizeof(sockaddr_un.sun_path)} on Linux, less the terminating NUL. */
    static final int MAX_SOCKET_PATH = 107;
    private static final int EXECUTION_ID_LENGTH = 36;

    private final Path root;

    private SocketDirs(Path root) {
        this.root = root;
    }

    /**
     * Makes the root ({@code configured}, else {@code <tmpdir>/hyperai-sockets-<hash of localRoot>}) ours alone,
     * shared by every instance of the service on this machine. Refuses a root that is a link or another user's, since
     * a socket there would be someone else's to intercept.
     */
    static SocketDirs prepare(Optional<String> configured, Path localRoot, int uid) throws IOException {
        Path root = configured.map(Path::of)
                .orElseGet(() -> Path.of(System.getProperty("java.io.tmpdir"), "hyperai-sockets-" + hash(localRoot)))
                .toAbsolutePath();
        int longest = root.toString().length() + 1 + EXECUTION_ID_LENGTH + 1 + SandboxCommand.JUPYTER_SOCKET.length();
        if (longest > MAX_SOCKET_PATH) {
            throw new IOException("workspace sockets under " + root + " would have paths of " + longest
                    + " bytes, over the kernel's " + MAX_SOCKET_PATH + ": set hyperai.execution.socket-root shorter");
        }
        if (Files.isSymbolicLink(root)) {
            throw new IOException(root + " is a symbolic link");
        }
        if (Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            int owner = (int) Files.getAttribute(root, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            if (owner != uid) {
                throw new IOException(root + " belongs to uid " + owner + ", not to this service");
            }
            // what is in it stays: it may be another instance's, whose workspaces run (the leader runs them all); the
            // directory of a run that died with an earlier instance goes when that run is removed
        } else {
            Files.createDirectories(root.getParent());
            Files.createDirectory(root);
        }
        // searchable, not listable: the sandbox user reaches its own directory through it (bwrap binds as that user)
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx--x--x"));
        return new SocketDirs(root);
    }

    public Path root() {
        return root;
    }

    /** A new, empty directory for an execution's socket. */
    Path create(String executionId) throws IOException {
        Path dir = of(executionId);
        UploadStager.deleteRecursively(dir);
        return Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    /** Where an execution's Jupyter socket is (whether or not it exists yet). */
    Path socket(String executionId) {
        return of(executionId).resolve(SandboxCommand.JUPYTER_SOCKET);
    }

    void remove(String executionId) throws IOException {
        UploadStager.deleteRecursively(of(executionId));
    }

    private Path of(String executionId) {
        Path dir = root.resolve(executionId).normalize();
        if (!root.equals(dir.getParent())) {
            throw new IllegalArgumentException("not an execution id: " + executionId);
        }
        return dir;
    }

    private static String hash(Path localRoot) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(localRoot.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
