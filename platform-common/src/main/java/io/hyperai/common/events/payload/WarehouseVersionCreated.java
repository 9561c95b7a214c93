package io.hyperai.common.events.payload;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A new immutable version; {@code reservationId} is the storage reservation it settles. A version promoted from an
 * execution's saved working directory names it ({@code fromExecutionOutput}, and {@code outputPath}, the directory in
 * it, null for all of it): execution-service then drops what moved, so the bytes count once.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record WarehouseVersionCreated(
        String itemId,
        String kind,
        int version,
        String ownerId,
        long bytes,
        String reservationId,
        String fromExecutionOutput,
        String outputPath) implements EventPayload {

    public WarehouseVersionCreated(String itemId, String kind, int version, String ownerId, long bytes,
            String reservationId) {
        this(itemId, kind, version, ownerId, bytes, reservationId, null, null);
    }
}
