package io.hyperai.warehouse.config;

import java.nio.file.Path;
import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "hyperai.warehouse")
public interface WarehouseConfig {

    /**
     * Where versions are kept ({@code datasets/<id>/v<n>}, {@code models/<id>/v<n>}); on Kubernetes a
     * shared volume that execution pods mount read-only. Uploads land in {@code .uploads} and are
     * unpacked in {@code .staging} below it, so accepting a version is a rename on one filesystem.
     */
    Path storageRoot();

    /** At most this many files in one version. */
    @WithDefault("100000")
    int maxFilesPerVersion();

    /** Staging directories older than this belong to uploads that died with their process. */
    @WithDefault("PT6H")
    Duration stagingMaxAge();
}
