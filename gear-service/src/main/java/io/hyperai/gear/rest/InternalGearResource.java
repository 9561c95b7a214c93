package io.hyperai.gear.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

import io.hyperai.common.security.CurrentUser;
import io.hyperai.gear.mapping.GearMapper.InternalGearView;
import io.hyperai.gear.service.GearService;
import io.smallrye.mutiny.Uni;

/** A gear as the execution service needs it to run: spec, image and where each binding's bytes are. */
@Path("/internal/gears")
@RolesAllowed(CurrentUser.ROLE_SERVICE)
public class InternalGearResource {

    private final GearService gears;

    public InternalGearResource(GearService gears) {
        this.gears = gears;
    }

    @GET
    @Path("{id}")
    @Operation(summary = "Any user's gear as an execution runs it")
    public Uni<InternalGearView> get(@Parameter(description = "The gear's id") @PathParam("id") String id) {
        return gears.internal(id);
    }
}
