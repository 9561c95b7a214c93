package io.hyperai.warehouse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Points the warehouse at the storage stand-in and at a storage root of its own, with short client
 * timeouts so the slow stand-in is a timeout quickly.
 */
public class StorageStandInResource implements QuarkusTestResourceLifecycleManager {

    private Path root;

    @Override
    public Map<String, String> start() {
        StorageStandIn standIn = StorageStandIn.start();
        try {
            root = Files.createTempDirectory("warehouse-test-root");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(
                "quarkus.rest-client.storage.url", standIn.url(),
                "hyperai.warehouse.storage-root", root.toString(),
                // every @Timeout of the module (the storage client's, in seconds): 2 s, below the slow stand-in's 6 s
                "Timeout/value", "2");
    }

    @Override
    public void stop() {
        // the stand-in is a daemon of the test JVM; the storage root goes with the boot
        if (root != null) {
            try (var paths = Files.walk(root)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                // a temp dir left behind is harmless
            }
        }
    }
}
