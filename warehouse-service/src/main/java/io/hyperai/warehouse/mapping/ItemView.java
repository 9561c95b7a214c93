package io.hyperai.warehouse.mapping;

import java.time.Instant;

import io.hyperai.warehouse.WarehouseItem;

public record ItemView(String id, String kind, String name, String description, Instant createdAt) {

    public static ItemView of(WarehouseItem item) {
        return new ItemView(item.id.toString(), item.kind.name().toLowerCase(), item.name, item.description,
                item.createdAt);
    }
}
