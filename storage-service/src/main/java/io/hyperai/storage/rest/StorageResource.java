package io.hyperai.storage.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.hyperai.common.security.CurrentUser;
import io.hyperai.storage.mapping.StorageSummary;
import io.hyperai.storage.service.StorageService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

@Path("/api/v1/storage")
@Authenticated
@Tag(name = "Storage", description = "What the caller's datasets, models, code and saved working directories take"
        + " of their quota. Over the quota, the caller may not create gears, start executions or upload.")
public class StorageResource {

    private final StorageService storage;
    private final CurrentUser user;

    public StorageResource(StorageService storage, CurrentUser user) {
        this.storage = storage;
        this.user = user;
    }

    @GET
    @Path("me")
    @Operation(summary = "The caller's quota and usage", description = "Used bytes by kind, and bytes held by"
            + " uploads in flight.")
    public Uni<StorageSummary> me() {
        return storage.summary(user.id());
    }
}
