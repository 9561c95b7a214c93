package io.hyperai.gear.rest;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.hyperai.common.security.CurrentUser;
import io.hyperai.gear.mapping.CatalogueMapper;
import io.hyperai.gear.mapping.CatalogueMapper.ComputeSpecView;
import io.hyperai.gear.service.CatalogueService;
import io.smallrye.mutiny.Uni;

/** The whole spec catalogue, retired specs included, for services that price or run them. */
@Path("/internal/compute-specs")
@RolesAllowed(CurrentUser.ROLE_SERVICE)
public class InternalCatalogueResource {

    private final CatalogueService catalogue;

    public InternalCatalogueResource(CatalogueService catalogue) {
        this.catalogue = catalogue;
    }

    @GET
    @Operation(summary = "All compute specs, retired ones included")
    public Uni<List<ComputeSpecView>> specs() {
        return catalogue.specs(true).map(list -> list.stream().map(CatalogueMapper::view).toList());
    }
}
