package io.hyperai.warehouse.rest;

import jakarta.ws.rs.Path;

import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.hyperai.warehouse.WarehouseItem;
import io.quarkus.security.Authenticated;

/** The caller's datasets: see {@link ItemResource} and {@link ItemEndpoints}. */
@Path("/api/v1/datasets")
@Authenticated
@Tag(name = "Datasets", description = "The caller's datasets: numbered immutable versions of files that gears mount"
        + " read-only. They count against the caller's storage quota. Only the caller's own.")
public class DatasetResource extends ItemResource {

    public DatasetResource(ItemEndpoints endpoints) {
        super(endpoints);
    }

    @Override
    protected WarehouseItem.Kind kind() {
        return WarehouseItem.Kind.DATASET;
    }
}
