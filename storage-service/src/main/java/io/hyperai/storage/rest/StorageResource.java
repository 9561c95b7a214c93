package io.hyperai.storage.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

import io.hyperai.common.security.CurrentUser;
import io.hyperai.storage.mapping.StorageSummary;
import io.hyperai.storage.service.StorageService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

@Path("/api/v1/storage")
@Authenticated
public class StorageResource {

    private final StorageService storage;
    private final CurrentUser user;

    public StorageResource(StorageService storage, CurrentUser user) {
        this.storage = storage;
        this.user = user;
    }

    @GET
    @Path("me")
    public Uni<StorageSummary> me() {
        return storage.summary(user.id());
    }
}
