package io.hyperai.warehouse.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

import io.hyperai.common.security.CurrentUser;
import io.hyperai.warehouse.WarehouseItem;
import io.hyperai.warehouse.mapping.VersionViews;
import io.hyperai.warehouse.mapping.VersionViews.InternalVersionView;
import io.hyperai.warehouse.service.ItemStore;
import io.smallrye.mutiny.Uni;

/** For the gear and execution services: owner, size and location of a version, to validate and mount bindings. */
@Path("/internal/warehouse")
@RolesAllowed(CurrentUser.ROLE_SERVICE)
public class InternalVersionResource {

    private static final String ID = "The dataset's or model's id";
    private static final String VERSION = "The version's number";

    private final ItemStore store;

    public InternalVersionResource(ItemStore store) {
        this.store = store;
    }

    @GET
    @Path("datasets/{id}/versions/{n}")
    @Operation(summary = "Any user's dataset version: owner, size and where its files are")
    public Uni<InternalVersionView> dataset(@Parameter(description = ID) @PathParam("id") String id,
            @Parameter(description = VERSION) @PathParam("n") String n) {
        return version(WarehouseItem.Kind.DATASET, id, n);
    }

    @GET
    @Path("models/{id}/versions/{n}")
    @Operation(summary = "Any user's model version: owner, size and where its files are")
    public Uni<InternalVersionView> model(@Parameter(description = ID) @PathParam("id") String id,
            @Parameter(description = VERSION) @PathParam("n") String n) {
        return version(WarehouseItem.Kind.MODEL, id, n);
    }

    private Uni<InternalVersionView> version(WarehouseItem.Kind kind, String id, String n) {
        return store.anyVersion(kind, id, n).map(v -> VersionViews.internal(kind, v));
    }
}
