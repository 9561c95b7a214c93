package io.hyperai.storage.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "hyperai.storage")
public interface StorageConfig {

    /** The quota of a user for whom an admin set none: 20 GiB. */
    @WithDefault("21474836480")
    long defaultQuotaBytes();

    /**
     * The share of the quota at which {@code storage.quota.nearly-full} is published, once per upward crossing (above
     * 0, at most 1).
     */
    @WithDefault("0.9")
    double nearlyFullRatio();

    /**
     * How long a reservation holds its bytes when neither its created event nor a release comes (an
     * upload abandoned by a crashed uploader). Expired reservations count for nothing.
     */
    @WithDefault("PT15M")
    Duration reservationTtl();

    /** How often expired reservations are deleted (read by the {@code @Scheduled} expression). */
    @WithDefault("1m")
    String reservationPurgeInterval();

    /** How often the usage is recounted from the owners of the bytes (UsageRecount, read by its @Scheduled). */
    @WithDefault("10m")
    String recountPeriod();

    /**
     * An object recorded less than this before the owners were asked is not removed by a recount: the owner's answer
     * may predate it.
     */
    @WithDefault("PT5M")
    Duration recountGrace();
}
