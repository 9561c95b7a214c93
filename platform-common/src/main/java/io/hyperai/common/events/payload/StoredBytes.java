package io.hyperai.common.events.payload;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Bytes the execution service keeps for a user (uploaded code, saved working directories), or
 * gives back. {@code objectId} is the code id or the execution id whose working directory it is;
 * {@code reservationId}, when set, is the storage reservation the stored bytes settle (an upload's).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StoredBytes(String objectId, String ownerId, long bytes, String reservationId) implements EventPayload {

    public StoredBytes(String objectId, String ownerId, long bytes) {
        this(objectId, ownerId, bytes, null);
    }
}
