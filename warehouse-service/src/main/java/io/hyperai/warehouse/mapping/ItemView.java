package io.hyperai.warehouse.mapping;

import java.time.Instant;
import java.util.List;

import io.hyperai.warehouse.WarehouseItem;

/** {@code handle} ({@code <owner name>/<name>}) is set for public items, by which anyone may read and bind them. */
public record ItemView(String id, String kind, String name, String description, List<String> tags, String visibility,
        String handle, Instant createdAt) {

    public static ItemView of(WarehouseItem item) {
        return new ItemView(item.id.toString(), item.kind.label(), item.name, item.description, item.tagList(),
                item.visibility.name().toLowerCase(java.util.Locale.ROOT), item.isPublic() ? item.handle() : null,
                item.createdAt);
    }
}
