package io.hyperai.common.events.payload;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

@JsonIgnoreProperties(ignoreUnknown = true)
public record WarehouseVersionDeleted(String itemId, String kind, int version, String ownerId, long bytes)
        implements EventPayload {
}
