package io.hyperai.common.events.payload;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * {@code storage.usage.corrected}: a recount against the owners of the bytes found the ledger of {@code ownerId} wrong
 * (an event lost or not yet arrived) and corrected it: objects added, removed or resized, and the usage before and
 * after.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record StorageUsageCorrected(String ownerId, int added, int removed, int resized, long usedBytesBefore,
        long usedBytesAfter) implements EventPayload {
}
