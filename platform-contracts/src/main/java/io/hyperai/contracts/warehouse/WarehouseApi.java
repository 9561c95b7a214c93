package io.hyperai.contracts.warehouse;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import io.hyperai.contracts.storage.OwnedBytes.ObjectsRequest;
import io.hyperai.contracts.storage.OwnedBytes.StoredObjects;
import io.smallrye.mutiny.Uni;

/** warehouse-service for the gear, execution and storage services. */
@Path("/internal/warehouse")
@Produces(MediaType.APPLICATION_JSON)
public interface WarehouseApi {

    String DATASETS = "datasets";
    String MODELS = "models";

    /** Every version these users own, with its bytes: storage-service recounts their usage from it. */
    @POST
    @Path("stored")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Every dataset and model version these users own, with its size")
    Uni<StoredObjects> stored(@Valid @NotNull ObjectsRequest query);

    /**
     * Owner, size and location of any user's version, to validate and mount bindings. {@code collection} is
     * {@link #DATASETS} or {@link #MODELS}; 404 for anything that does not exist.
     */
    @GET
    @Path("{collection}/{id}/versions/{n}")
    @Operation(summary = "Any user's dataset or model version: owner, size and where its files are")
    Uni<Version> version(
            @Parameter(description = "datasets or models") @PathParam("collection") String collection,
            @Parameter(description = "The dataset's or model's id") @PathParam("id") String id,
            @Parameter(description = "The version number") @PathParam("n") String n);

    /**
     * A public item's version, named by the item's handle ({@code <owner name>/<name>}); 404 for anything else,
     * private items included.
     */
    @GET
    @Path("{collection}/handles/{owner}/{name}/versions/{n}")
    @Operation(summary = "A public dataset or model version by its handle")
    Uni<Version> versionByHandle(
            @Parameter(description = "datasets or models") @PathParam("collection") String collection,
            @Parameter(description = "The owner's user name") @PathParam("owner") String owner,
            @Parameter(description = "The item's name") @PathParam("name") String name,
            @Parameter(description = "The version number") @PathParam("n") String n);

    /**
     * {@code storagePath} is below the warehouse's storage root; {@code visibility} is the item's now
     * ({@code public} or {@code private}): a public version may be bound by anyone.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Version(String itemId, String kind, int version, String ownerId, long totalBytes, String storagePath,
            String visibility) {

        @JsonIgnore
        public boolean isPublic() {
            return "public".equals(visibility);
        }
    }
}
