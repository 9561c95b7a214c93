package io.hyperai.warehouse.rest;

import java.util.Arrays;

import jakarta.annotation.security.RolesAllowed;

import io.hyperai.common.problem.ProblemException;
import io.hyperai.common.security.CurrentUser;
import io.hyperai.contracts.warehouse.WarehouseApi;
import io.hyperai.warehouse.WarehouseItem;
import io.hyperai.warehouse.mapping.VersionViews;
import io.hyperai.warehouse.service.ItemStore;
import io.smallrye.mutiny.Uni;

/** For the gear and execution services: owner, size and location of a version, to validate and mount bindings. */
@RolesAllowed(CurrentUser.ROLE_SERVICE)
public class InternalVersionResource implements WarehouseApi {

    private final ItemStore store;

    public InternalVersionResource(ItemStore store) {
        this.store = store;
    }

    @Override
    public Uni<Version> version(String collection, String id, String n) {
        WarehouseItem.Kind kind = Arrays.stream(WarehouseItem.Kind.values())
                .filter(k -> k.collection().equals(collection)).findFirst()
                .orElseThrow(() -> ProblemException.notFound("collection", collection));
        return store.anyVersion(kind, id, n).map(v -> VersionViews.internal(kind, v));
    }
}
