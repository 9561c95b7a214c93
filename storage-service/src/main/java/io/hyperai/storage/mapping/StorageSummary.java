package io.hyperai.storage.mapping;

import java.util.Map;

/** What a user sees of their storage: used bytes by kind, bytes held by uploads in flight. */
public record StorageSummary(long quotaBytes, long usedBytes, Map<String, Long> usedByKind, long reservedBytes,
        boolean blocked) {
}
