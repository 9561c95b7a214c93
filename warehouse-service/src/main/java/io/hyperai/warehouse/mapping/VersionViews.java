package io.hyperai.warehouse.mapping;

import java.time.Instant;
import java.util.List;

import io.hyperai.contracts.warehouse.WarehouseApi;
import io.hyperai.warehouse.WarehouseFile;
import io.hyperai.warehouse.WarehouseItem;
import io.hyperai.warehouse.WarehouseVersion;

/** What the API returns about versions and their files. */
public final class VersionViews {

    public record VersionView(String itemId, String kind, int version, long totalBytes, int fileCount,
            Instant createdAt) {
    }

    public record FileView(String path, long sizeBytes, String sha256) {
    }

    public record VersionDetail(String itemId, String kind, int version, long totalBytes, int fileCount,
            Instant createdAt, List<FileView> files) {
    }

    private VersionViews() {
    }

    public static VersionView view(WarehouseItem.Kind kind, WarehouseVersion v) {
        return new VersionView(v.itemId.toString(), kind.label(), v.version, v.totalBytes, v.fileCount, v.createdAt);
    }

    public static VersionDetail detail(WarehouseItem.Kind kind, WarehouseVersion v, List<WarehouseFile> files) {
        return new VersionDetail(v.itemId.toString(), kind.label(), v.version, v.totalBytes, v.fileCount, v.createdAt,
                files.stream().map(f -> new FileView(f.path, f.sizeBytes, f.sha256)).toList());
    }

    /** For the gear and execution services: whose it is, how big, where it lives below the storage root. */
    public static WarehouseApi.Version internal(WarehouseItem item, WarehouseVersion v) {
        return new WarehouseApi.Version(v.itemId.toString(), item.kind.label(), v.version, v.ownerId, v.totalBytes,
                v.storagePath, item.visibility.name().toLowerCase(java.util.Locale.ROOT));
    }
}
