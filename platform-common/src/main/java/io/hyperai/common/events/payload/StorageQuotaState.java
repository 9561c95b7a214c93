package io.hyperai.common.events.payload;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** {@code storage.quota.exceeded} and {@code storage.quota.restored}. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record StorageQuotaState(String ownerId, long quotaBytes, long usedBytes) implements EventPayload {
}
