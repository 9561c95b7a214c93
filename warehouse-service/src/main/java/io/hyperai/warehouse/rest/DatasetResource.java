package io.hyperai.warehouse.rest;

import jakarta.ws.rs.Path;

import io.hyperai.warehouse.WarehouseItem;
import io.quarkus.security.Authenticated;

/** The caller's datasets: see {@link ItemResource} and {@link ItemEndpoints}. */
@Path("/api/v1/datasets")
@Authenticated
public class DatasetResource extends ItemResource {

    public DatasetResource(ItemEndpoints endpoints) {
        super(endpoints);
    }

    @Override
    protected WarehouseItem.Kind kind() {
        return WarehouseItem.Kind.DATASET;
    }
}
