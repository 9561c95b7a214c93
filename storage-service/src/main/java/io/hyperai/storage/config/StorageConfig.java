package io.hyperai.storage.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "hyperai.storage")
public interface StorageConfig {

    /** The quota of a user for whom an admin set none: 20 GiB. */
    @WithDefault("21474836480")
    long defaultQuotaBytes();
}
