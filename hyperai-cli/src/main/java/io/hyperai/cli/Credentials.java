package io.hyperai.cli;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * What {@code hyperai login} keeps: the tokens, when they expire (epoch seconds; 0 = unknown or
 * never) and where they came from, so that a refresh goes to the same provider.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Credentials(String username, String accessToken, long expiresAt, String refreshToken,
        long refreshExpiresAt, String tokenEndpoint, String clientId) {

    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");

    public boolean hasRefreshToken() {
        return refreshToken != null && !refreshToken.isBlank();
    }

    /** null when nobody has logged in. */
    public static Credentials read(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return Json.MAPPER.readValue(file.toFile(), Credentials.class);
        } catch (IOException e) {
            throw new CliException("cannot read " + file + " (run `hyperai login` again): " + e.getMessage());
        }
    }

    /**
     * Writes the file readable by its owner only (0600): the content goes to a new 0600 file beside it,
     * which then replaces the old one, so the tokens are never in a file anyone else may read.
     */
    public void write(Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, attributes(dir.getFileSystem().supportedFileAttributeViews()
                        .contains("posix"), OWNER_DIR));
            }
            boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
            Path tmp = dir.resolve(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            try {
                Files.createFile(tmp, attributes(posix, OWNER_ONLY));
            } catch (FileAlreadyExistsException e) {
                throw new IOException("another hyperai is writing " + tmp, e);
            }
            Files.write(tmp, Json.MAPPER.writeValueAsBytes(this));
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            if (posix) {
                Files.setPosixFilePermissions(file, OWNER_ONLY);
            }
        } catch (IOException e) {
            throw new CliException("cannot write " + file + ": " + e.getMessage());
        }
    }

    private static FileAttribute<?>[] attributes(boolean posix, Set<PosixFilePermission> permissions) {
        return posix ? new FileAttribute<?>[] { PosixFilePermissions.asFileAttribute(permissions) }
                : new FileAttribute<?>[0];
    }
}
