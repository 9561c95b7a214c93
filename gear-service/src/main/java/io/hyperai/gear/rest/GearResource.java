package io.hyperai.gear.rest;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
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

import io.hyperai.common.paging.Page;
import io.hyperai.common.paging.PageRequest;
import io.hyperai.common.security.CurrentUser;
import io.hyperai.gear.mapping.GearMapper;
import io.hyperai.gear.mapping.GearMapper.GearView;
import io.hyperai.gear.mapping.GearRequests.Defaults;
import io.hyperai.gear.mapping.GearRequests.GearChange;
import io.hyperai.gear.mapping.GearRequests.NewGear;
import io.hyperai.gear.service.GearService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

/** The caller's own gears; anyone else's answers 404 exactly like a missing one. */
@Path("/api/v1/gears")
@Authenticated
@Tag(name = "Gears", description = "What an execution runs: a compute spec, a runtime image and data bindings"
        + " (dataset and model versions, an earlier execution's saved output) mounted at paths. Only the caller's own.")
public class GearResource {

    private static final String GEAR_ID = "The gear's id";
    private static final String NEW_GEAR = """
            {"name": "resnet-finetune", "computeSpecId": "gpu-a100-1", "imageId": "pytorch-2.3-gpu",
             "bindings": [{"mountPath": "/data/imagenet",
                           "source": {"kind": "dataset", "id": "8f14e45f-ceea-4e67-a5b2-6a2f3c0f1d2e", "version": 1}}]}
            """;

    private final GearService gears;
    private final CurrentUser user;

    public GearResource(GearService gears, CurrentUser user) {
        this.gears = gears;
        this.user = user;
    }

    @Consumes(MediaType.APPLICATION_JSON)
    @POST
    @ResponseStatus(201)
    @Operation(summary = "Create a gear", description = "Each binding's source must exist and be the caller's own.")
    @APIResponse(responseCode = "201", description = "The new gear",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = GearView.class)))
    @APIResponse(responseCode = "403", description = "The caller's storage is over quota (`storage-blocked`): no new"
            + " gears until data is deleted.")
    public Uni<GearView> create(@RequestBody(content = @Content(examples = @ExampleObject(name = "gpu-gear",
            value = NEW_GEAR))) @Valid @NotNull NewGear body) {
        return gears.create(user.id(), body).map(GearMapper::view);
    }

    @GET
    @Operation(summary = "List the caller's gears")
    public Uni<Page<GearView>> list(@Valid @BeanParam PageRequest page) {
        return gears.list(user.id(), page).map(p -> p.map(GearMapper::view));
    }

    @GET
    @Path("defaults")
    @Operation(summary = "The caller's defaults for their gears", description = "`idlePolicy`: what workspaces of a"
            + " gear without a policy of its own take (null: none; they run until stopped).")
    public Uni<Defaults> defaults() {
        return gears.defaults(user.id());
    }

    @PUT
    @Path("defaults")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set the caller's defaults for their gears", description = "Replaces them; `{}` or"
            + " `{\"idlePolicy\": null}` removes the default idle policy. A gear's own policy wins over it.")
    public Uni<Defaults> setDefaults(@RequestBody(content = @Content(examples = @ExampleObject(name = "idle-policy",
            value = "{\"idlePolicy\": {\"warnAfterSeconds\": 1800, \"stopAfterSeconds\": 3600}}")))
            @Valid @NotNull Defaults body) {
        return gears.setDefaults(user.id(), body);
    }

    @GET
    @Path("{id}")
    @Operation(summary = "Get a gear", description = "Each binding says whether its source can still be mounted:"
            + " `broken` with `brokenReason` when it was deleted or another user's item was made private (such a gear"
            + " does not start until its bindings change).")
    public Uni<GearView> get(@Parameter(description = GEAR_ID) @PathParam("id") String id) {
        return gears.get(user.id(), id).chain(gear -> gears.brokenReasons(gear).map(b -> GearMapper.view(gear, b)));
    }

    @Consumes(MediaType.APPLICATION_JSON)
    @PATCH
    @Path("{id}")
    @Operation(summary = "Change a gear", description = "Only the fields present change; `bindings`, when present,"
            + " replaces every binding. A change bumps the gear's revision.")
    public Uni<GearView> update(@Parameter(description = GEAR_ID) @PathParam("id") String id,
            @RequestBody(content = @Content(examples = @ExampleObject(name = "rename",
                    value = "{\"name\": \"resnet-finetune-v2\", \"computeSpecId\": \"gpu-a100-2\"}")))
            @Valid @NotNull GearChange body) {
        return gears.update(user.id(), id, body).map(GearMapper::view);
    }

    @DELETE
    @Path("{id}")
    @ResponseStatus(204)
    @Operation(summary = "Delete a gear")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "409", description = "An execution of the gear is queued or running (`gear-running`).")
    public Uni<Void> delete(@Parameter(description = GEAR_ID) @PathParam("id") String id) {
        return gears.delete(user.id(), id);
    }
}
