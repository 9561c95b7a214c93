package io.hyperai.gear.rest;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.ResponseStatus;

import io.hyperai.common.paging.Page;
import io.hyperai.common.paging.PageRequest;
import io.hyperai.common.security.CurrentUser;
import io.hyperai.gear.mapping.GearMapper;
import io.hyperai.gear.mapping.GearMapper.GearView;
import io.hyperai.gear.mapping.GearRequests.GearChange;
import io.hyperai.gear.mapping.GearRequests.NewGear;
import io.hyperai.gear.service.GearService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

/** The caller's own gears; anyone else's answers 404 exactly like a missing one. */
@Path("/api/v1/gears")
@Authenticated
public class GearResource {

    private final GearService gears;
    private final CurrentUser user;

    public GearResource(GearService gears, CurrentUser user) {
        this.gears = gears;
        this.user = user;
    }

    @Consumes(MediaType.APPLICATION_JSON)
    @POST
    @ResponseStatus(201)
    public Uni<GearView> create(@Valid @NotNull NewGear body) {
        return gears.create(user.id(), body).map(GearMapper::view);
    }

    @GET
    public Uni<Page<GearView>> list(@Valid @BeanParam PageRequest page) {
        return gears.list(user.id(), page).map(p -> p.map(GearMapper::view));
    }

    @GET
    @Path("{id}")
    public Uni<GearView> get(@PathParam("id") String id) {
        return gears.get(user.id(), id).map(GearMapper::view);
    }

    @Consumes(MediaType.APPLICATION_JSON)
    @PATCH
    @Path("{id}")
    public Uni<GearView> update(@PathParam("id") String id, @Valid @NotNull GearChange body) {
        return gears.update(user.id(), id, body).map(GearMapper::view);
    }

    @DELETE
    @Path("{id}")
    @ResponseStatus(204)
    public Uni<Void> delete(@PathParam("id") String id) {
        return gears.delete(user.id(), id);
    }
}
