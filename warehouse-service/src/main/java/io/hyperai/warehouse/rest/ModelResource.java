package io.hyperai.warehouse.rest;

import jakarta.ws.rs.Path;

import io.hyperai.warehouse.WarehouseItem;
import io.quarkus.security.Authenticated;

/** The caller's models: see {@link ItemResource} and {@link ItemEndpoints}. */
@Path("/api/v1/models")
@Authenticated
public class ModelResource extends ItemResource {

    public ModelResource(ItemEndpoints endpoints) {
        super(endpoints);
    }

    @Override
    protected WarehouseItem.Kind kind() {
        return WarehouseItem.Kind.MODEL;
    }
}
