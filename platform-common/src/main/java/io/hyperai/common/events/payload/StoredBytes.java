package io.hyperai.common.events.payload;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Bytes the execution service keeps for a user (uploaded code, saved working directories), or
 * gives back. {@code objectId} is the code id or the execution id whose working directory it is.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record StoredBytes(String objectId, String ownerId, long bytes) implements EventPayload {
}
