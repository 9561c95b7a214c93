package io.hyperai.warehouse.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

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

    private final ItemStore store;

    public InternalVersionResource(ItemStore store) {
        this.store = store;
    }

    @GET
    @Path("datasets/{id}/versions/{n}")
    public Uni<InternalVersionView> dataset(@PathParam("id") String id, @PathParam("n") String n) {
        return version(WarehouseItem.Kind.DATASET, id, n);
    }

    @GET
    @Path("models/{id}/versions/{n}")
    public Uni<InternalVersionView> model(@PathParam("id") String id, @PathParam("n") String n) {
        return version(WarehouseItem.Kind.MODEL, id, n);
    }

    private Uni<InternalVersionView> version(WarehouseItem.Kind kind, String id, String n) {
        return store.anyVersion(kind, id, n).map(v -> VersionViews.internal(kind, v));
    }
}
