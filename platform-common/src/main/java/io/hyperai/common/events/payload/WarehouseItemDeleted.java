package io.hyperai.common.events.payload;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** A dataset or model is gone; a {@code warehouse.version.deleted} precedes it for each version. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record WarehouseItemDeleted(String itemId, String kind, String ownerId) implements EventPayload {
}
