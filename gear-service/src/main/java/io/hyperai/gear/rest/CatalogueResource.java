package io.hyperai.gear.rest;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;

import io.hyperai.common.security.CurrentUser;
import io.hyperai.gear.mapping.CatalogueMapper;
import io.hyperai.gear.mapping.CatalogueMapper.ComputeSpecView;
import io.hyperai.gear.mapping.CatalogueMapper.RuntimeImageView;
import io.hyperai.gear.mapping.CatalogueRequests.ComputeSpecChange;
import io.hyperai.gear.mapping.CatalogueRequests.NewComputeSpec;
import io.hyperai.gear.mapping.CatalogueRequests.NewRuntimeImage;
import io.hyperai.gear.mapping.CatalogueRequests.RuntimeImageChange;
import io.hyperai.gear.service.CatalogueService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

/**
 * What any signed-in user may choose from (retired items are listed only on request); admins add,
 * change and retire items.
 */
@Path("/api/v1")
@Authenticated
@Tag(name = "Catalogue", description = "Compute specs (CPU, memory, disk, GPUs, price per hour) and runtime images"
        + " a gear is made of. Anyone signed in reads them; admins add, change and retire them.")
public class CatalogueResource {

    private static final String INCLUDE_RETIRED = "Whether to list retired items too (they stay readable by id)";
    private static final String SPEC_ID = "The compute spec's id";
    private static final String IMAGE_ID = "The runtime image's id";
    private static final String NEW_SPEC = """
            {"id": "gpu-a100-1", "kind": "GPU", "vcpu": 8, "memoryMib": 65536, "diskGib": 200, "gpuCount": 1,
             "gpuModel": "nvidia-a100", "pricePerHourMinor": 1200, "currency": "CNY",
             "nodeSelector": {"nvidia.com/gpu.product": "NVIDIA-A100-SXM4-40GB"}}
            """;
    private static final String NEW_IMAGE = """
            {"id": "pytorch-2.3-gpu", "framework": "pytorch", "version": "2.3", "build": "GPU",
             "imageRef": "registry.example.com/hyperai/pytorch:2.3-cuda12"}
            """;

    private final CatalogueService catalogue;

    public CatalogueResource(CatalogueService catalogue) {
        this.catalogue = catalogue;
    }

    @GET
    @Path("compute-specs")
    @Operation(summary = "List compute specs")
    public Uni<List<ComputeSpecView>> specs(@Parameter(description = INCLUDE_RETIRED) @QueryParam("includeRetired") @DefaultValue("false") boolean includeRetired) {
        return catalogue.specs(includeRetired).map(list -> list.stream().map(CatalogueMapper::view).toList());
    }

    @GET
    @Path("compute-specs/{id}")
    @Operation(summary = "Get a compute spec")
    public Uni<ComputeSpecView> spec(@Parameter(description = SPEC_ID) @PathParam("id") String id) {
        return catalogue.spec(id).map(CatalogueMapper::view);
    }

    @Consumes(MediaType.APPLICATION_JSON)
    @POST
    @Path("compute-specs")
    @RolesAllowed(CurrentUser.ROLE_ADMIN)
    @ResponseStatus(201)
    @Operation(summary = "Add a compute spec", description = "A GPU spec needs a GPU count and model; a CPU spec has"
            + " neither. `nodeSelector` places its pods.")
    @APIResponse(responseCode = "201", description = "The new compute spec", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ComputeSpecView.class)))
    @APIResponse(responseCode = "409", description = "A compute spec with this id exists (`already-exists`).")
    public Uni<ComputeSpecView> createSpec(@RequestBody(content = @Content(examples = @ExampleObject(name = "gpu-spec",
            value = NEW_SPEC))) @Valid @NotNull NewComputeSpec body) {
        return catalogue.createSpec(body).map(CatalogueMapper::view);
    }

    @Consumes(MediaType.APPLICATION_JSON)
    @PATCH
    @Path("compute-specs/{id}")
    @RolesAllowed(CurrentUser.ROLE_ADMIN)
    @Operation(summary = "Change a compute spec", description = "Only the fields present change; id and kind never do.")
    public Uni<ComputeSpecView> updateSpec(@Parameter(description = SPEC_ID) @PathParam("id") String id,
            @RequestBody(content = @Content(examples = @ExampleObject(name = "new-price",
                    value = "{\"pricePerHourMinor\": 1500}"))) @Valid @NotNull ComputeSpecChange body) {
        return catalogue.updateSpec(id, body).map(CatalogueMapper::view);
    }

    @POST
    @Path("compute-specs/{id}/retire")
    @RolesAllowed(CurrentUser.ROLE_ADMIN)
    @Operation(summary = "Retire a compute spec", description = "No new gear may choose it; existing gears keep it.")
    public Uni<ComputeSpecView> retireSpec(@Parameter(description = SPEC_ID) @PathParam("id") String id) {
        return catalogue.retireSpec(id).map(CatalogueMapper::view);
    }

    @GET
    @Path("images")
    @Operation(summary = "List runtime images")
    public Uni<List<RuntimeImageView>> images(@Parameter(description = INCLUDE_RETIRED) @QueryParam("includeRetired") @DefaultValue("false") boolean includeRetired) {
        return catalogue.images(includeRetired).map(list -> list.stream().map(CatalogueMapper::view).toList());
    }

    @GET
    @Path("images/{id}")
    @Operation(summary = "Get a runtime image")
    public Uni<RuntimeImageView> image(@Parameter(description = IMAGE_ID) @PathParam("id") String id) {
        return catalogue.image(id).map(CatalogueMapper::view);
    }

    @Consumes(MediaType.APPLICATION_JSON)
    @POST
    @Path("images")
    @RolesAllowed(CurrentUser.ROLE_ADMIN)
    @ResponseStatus(201)
    @Operation(summary = "Add a runtime image")
    @APIResponse(responseCode = "201", description = "The new runtime image", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RuntimeImageView.class)))
    @APIResponse(responseCode = "409", description = "A runtime image with this id exists (`already-exists`).")
    public Uni<RuntimeImageView> createImage(@RequestBody(content = @Content(examples = @ExampleObject(
            name = "pytorch-gpu", value = NEW_IMAGE))) @Valid @NotNull NewRuntimeImage body) {
        return catalogue.createImage(body).map(CatalogueMapper::view);
    }

    @Consumes(MediaType.APPLICATION_JSON)
    @PATCH
    @Path("images/{id}")
    @RolesAllowed(CurrentUser.ROLE_ADMIN)
    @Operation(summary = "Point a runtime image at a rebuilt image", description = "Only the image reference changes.")
    public Uni<RuntimeImageView> updateImage(@Parameter(description = IMAGE_ID) @PathParam("id") String id,
            @RequestBody(content = @Content(examples = @ExampleObject(name = "rebuilt",
                    value = "{\"imageRef\": \"registry.example.com/hyperai/pytorch:2.3.1-cuda12\"}")))
            @Valid @NotNull RuntimeImageChange body) {
        return catalogue.updateImage(id, body).map(CatalogueMapper::view);
    }

    @POST
    @Path("images/{id}/retire")
    @RolesAllowed(CurrentUser.ROLE_ADMIN)
    @Operation(summary = "Retire a runtime image", description = "No new gear may choose it; existing gears keep it.")
    public Uni<RuntimeImageView> retireImage(@Parameter(description = IMAGE_ID) @PathParam("id") String id) {
        return catalogue.retireImage(id).map(CatalogueMapper::view);
    }
}
