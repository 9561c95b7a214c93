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
public class CatalogueResource {

    private final CatalogueService catalogue;

    public CatalogueResource(CatalogueService catalogue) {
        this.catalogue = catalogue;
    }

    @GET
    @Path("compute-specs")
    public Uni<List<ComputeSpecView>> specs(@QueryParam("includeRetired") @DefaultValue("false") boolean includeRetired) {
        return catalogue.specs(includeRetired).map(list -> list.stream().map(CatalogueMapper::view).toList());
    }

    @GET
    @Path("compute-specs/{id}")
    public Uni<ComputeSpecView> spec(@PathParam("id") String id) {
        return catalogue.spec(id).map(CatalogueMapper::view);
    }

    @Consumes(MediaType.APPLICATION_JSON)
    @POST
    @Path("compute-specs")
    @RolesAllowed(CurrentUser.ROLE_ADMIN)
    @ResponseStatus(201)
    public Uni<ComputeSpecView> createSpec(@Valid @NotNull NewComputeSpec body) {
        return catalogue.createSpec(body).map(CatalogueMapper::view);
    }

    @Consumes(MediaType.APPLICATION_JSON)
    @PATCH
    @Path("compute-specs/{id}")
    @RolesAllowed(CurrentUser.ROLE_ADMIN)
    public Uni<ComputeSpecView> updateSpec(@PathParam("id") String id, @Valid @NotNull ComputeSpecChange body) {
        return catalogue.updateSpec(id, body).map(CatalogueMapper::view);
    }

    @POST
    @Path("compute-specs/{id}/retire")
    @RolesAllowed(CurrentUser.ROLE_ADMIN)
    public Uni<ComputeSpecView> retireSpec(@PathParam("id") String id) {
        return catalogue.retireSpec(id).map(CatalogueMapper::view);
    }

    @GET
    @Path("images")
    public Uni<List<RuntimeImageView>> images(@QueryParam("includeRetired") @DefaultValue("false") boolean includeRetired) {
        return catalogue.images(includeRetired).map(list -> list.stream().map(CatalogueMapper::view).toList());
    }

    @GET
    @Path("images/{id}")
    public Uni<RuntimeImageView> image(@PathParam("id") String id) {
        return catalogue.image(id).map(CatalogueMapper::view);
    }

    @Consumes(MediaType.APPLICATION_JSON)
    @POST
    @Path("images")
    @RolesAllowed(CurrentUser.ROLE_ADMIN)
    @ResponseStatus(201)
    public Uni<RuntimeImageView> createImage(@Valid @NotNull NewRuntimeImage body) {
        return catalogue.createImage(body).map(CatalogueMapper::view);
    }

    @Consumes(MediaType.APPLICATION_JSON)
    @PATCH
    @Path("images/{id}")
    @RolesAllowed(CurrentUser.ROLE_ADMIN)
    public Uni<RuntimeImageView> updateImage(@PathParam("id") String id, @Valid @NotNull RuntimeImageChange body) {
        return catalogue.updateImage(id, body).map(CatalogueMapper::view);
    }

    @POST
    @Path("images/{id}/retire")
    @RolesAllowed(CurrentUser.ROLE_ADMIN)
    public Uni<RuntimeImageView> retireImage(@PathParam("id") String id) {
        return catalogue.retireImage(id).map(CatalogueMapper::view);
    }
}
