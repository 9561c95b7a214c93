package io.hyperai.common.events.payload;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** A new immutable version; {@code reservationId} is the storage reservation it settles. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record WarehouseVersionCreated(
        String itemId,
        String kind,
        int version,
        String ownerId,
        long bytes,
        String reservationId) implements EventPayload {
}
