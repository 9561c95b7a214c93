package io.hyperai.infra;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.Properties;

/**
 * The PostgreSQL passwords of one data directory ({@code user=password} lines), readable by its owner only (0600),
 * so that a restart of the same directory finds them again.
 */
final class PasswordFile {

    static final String NAME = "hyperai-passwords.properties";
    private static final SecureRandom RANDOM = new SecureRandom();

    private PasswordFile() {
    }

    /** 192 random bits, URL-safe Base64: nothing that needs quoting in SQL or a properties file. */
    static String generate() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static Optional<String> read(Path file, String user) {
        return Optional.ofNullable(load(file).getProperty(user));
    }

    /** Records {@code user}'s password, replacing the file atomically; it is never readable by others. */
    static void write(Path file, String user, String password) {
        Properties p = load(file);
        p.setProperty(user, password);
        store(file, p);
    }

    private static Properties load(Path file) {
        Properties p = new Properties();
        if (Files.exists(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + file, e);
            }
        }
        return p;
    }

    private static void store(Path file, Properties p) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.deleteIfExists(tmp);
            // created 0600, not chmod'ed afterwards: the passwords are never readable by others, even briefly
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(w, "PostgreSQL passwords of this data directory (written by PostgresServer)");
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }
}
