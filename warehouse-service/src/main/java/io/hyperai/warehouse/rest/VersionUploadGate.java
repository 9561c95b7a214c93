package io.hyperai.warehouse.rest;

import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.hyperai.common.rest.UploadGate;
import io.hyperai.warehouse.WarehouseItem;
import io.hyperai.warehouse.service.WarehouseService;
import io.quarkus.vertx.http.runtime.filters.Filters;

/** A version upload to a missing or foreign item, or one too big for the quota, is refused before its body is read. */
@ApplicationScoped
public class VersionUploadGate {

    private static final Pattern VERSIONS = Pattern.compile("/api/v1/(datasets|models)/([^/]+)/versions");

    void register(@Observes Filters filters, WarehouseService warehouse) {
        filters.register(new UploadGate(VERSIONS, (owner, path, bytes) -> warehouse.admit(owner,
                "models".equals(path.group(1)) ? WarehouseItem.Kind.MODEL : WarehouseItem.Kind.DATASET,
                path.group(2), bytes).replaceWithVoid()), UploadGate.PRIORITY);
    }
}
