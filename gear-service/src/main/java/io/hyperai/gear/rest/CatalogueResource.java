package io.hyperai.gear.rest;

import java.util.List;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;

import io.hyperai.gear.mapping.CatalogueMapper;
import io.hyperai.gear.mapping.CatalogueMapper.ComputeSpecView;
import io.hyperai.gear.mapping.CatalogueMapper.RuntimeImageView;
import io.hyperai.gear.service.CatalogueService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

/** What any signed-in user may choose from; retired items are listed only on request. */
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
    @Path("images")
    public Uni<List<RuntimeImageView>> images(@QueryParam("includeRetired") @DefaultValue("false") boolean includeRetired) {
        return catalogue.images(includeRetired).map(list -> list.stream().map(CatalogueMapper::view).toList());
    }
}
