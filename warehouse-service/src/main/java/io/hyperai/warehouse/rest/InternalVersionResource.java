package io.hyperai.warehouse.rest;


import jakarta.annotation.security.RolesAllowed;

import io.hyperai.common.security.CurrentUser;
import io.hyperai.contracts.storage.OwnedBytes.ObjectsRequest;
import io.hyperai.contracts.storage.OwnedBytes.StoredObjects;
import io.hyperai.contracts.warehouse.WarehouseApi;
import io.hyperai.warehouse.service.ItemStore;
import io.smallrye.mutiny.Uni;

/**
 * For the gear and execution services: owner, size and location of a version, to validate and mount bindings. For
 * storage-service: every version of some users, to recount their usage.
 */
@RolesAllowed(CurrentUser.ROLE_SERVICE)
public class InternalVersionResource implements WarehouseApi {

    private final ItemStore store;

    public InternalVersionResource(ItemStore store) {
        this.store = store;
    }

    @Override
    public Uni<Version> version(String collection, String id, String n) {
        return store.anyVersion(PublicItemResource.kind(collection), id, n);
    }

    @Override
    public Uni<StoredObjects> stored(ObjectsRequest query) {
        return store.stored(query.ownerIds());
    }

    @Override
    public Uni<Version> versionByHandle(String collection, String owner, String name, String n) {
        return store.publicVersion(PublicItemResource.kind(collection), owner, name, n);
    }
}
