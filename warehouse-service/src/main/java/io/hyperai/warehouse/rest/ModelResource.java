package io.hyperai.warehouse.rest;

import jakarta.ws.rs.Path;

import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.hyperai.warehouse.WarehouseItem;
import io.quarkus.security.Authenticated;

/** The caller's models: see {@link ItemResource} and {@link ItemEndpoints}. */
@Path("/api/v1/models")
@Authenticated
@Tag(name = "Models", description = "The caller's models: numbered immutable versions of files (weights, configs)"
        + " that gears mount read-only. They count against the caller's storage quota. Only the caller's own.")
public class ModelResource extends ItemResource {

    public ModelResource(ItemEndpoints endpoints) {
        super(endpoints);
    }

    @Override
    protected WarehouseItem.Kind kind() {
        return WarehouseItem.Kind.MODEL;
    }
}
