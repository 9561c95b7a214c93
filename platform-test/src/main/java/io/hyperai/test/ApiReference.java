package io.hyperai.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The committed reference {@code docs/api/<service>.yaml} against the document this build generated
 * ({@code target/openapi/openapi.yaml}, stored by {@code quarkus.smallrye-openapi.store-schema-directory} whenever
 * the module is built or its Quarkus tests start), so the reference a user reads stays true. With
 * {@code -Dopenapi.update=true} the generated document replaces the committed one.
 */
public final class ApiReference {

    public static final String UPDATE_PROPERTY = "openapi.update";
    static final Path GENERATED = Path.of("target", "openapi", "openapi.yaml");

    private ApiReference() {
    }

    /**
     * Why the committed reference of {@code service} (built in {@code module}) is stale, or empty when it is
     * current or was just refreshed.
     */
    public static Optional<String> staleness(String service, Path moduleDir, boolean update) {
        Path module = moduleDir.toAbsolutePath();
        Path generated = module.resolve(GENERATED);
        Path committed = root(module).resolve("docs").resolve("api").resolve(service + ".yaml");
        String fresh = read(generated).orElseThrow(() -> new IllegalStateException(
                generated + " is missing: is quarkus.smallrye-openapi.store-schema-directory still target/openapi?"));
        if (update) {
            write(committed, fresh);
            return Optional.empty();
        }
        Optional<String> current = read(committed);
        if (current.isPresent() && current.get().equals(fresh)) {
            return Optional.empty();
        }
        return Optional.of(root(module).relativize(committed) + " is not the OpenAPI document this build generates ("
                + GENERATED + ")" + current.map(c -> ": " + firstDifference(c, fresh)).orElse(": it does not exist")
                + ". Refresh it with ./mvnw -o test -pl " + module.getFileName() + " -am -Dtest='*ServiceBaselineTest'"
                + " -Dsurefire.failIfNoSpecifiedTests=false -D" + UPDATE_PROPERTY + "=true and commit it.");
    }

    static String firstDifference(String committed, String generated) {
        List<String> a = committed.lines().toList();
        List<String> b = generated.lines().toList();
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            String left = i < a.size() ? a.get(i) : "<end>";
            String right = i < b.size() ? b.get(i) : "<end>";
            if (!left.equals(right)) {
                return "line " + (i + 1) + " is \"" + left.strip() + "\", generated \"" + right.strip() + "\"";
            }
        }
        return "they differ in line endings";
    }

    /** The checkout's root: the nearest directory up from the module that has the Maven wrapper. */
    static Path root(Path module) {
        for (Path dir = module.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("mvnw"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no mvnw above " + module.toAbsolutePath());
    }

    private static Optional<String> read(Path file) {
        try {
            return Files.exists(file) ? Optional.of(Files.readString(file)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
