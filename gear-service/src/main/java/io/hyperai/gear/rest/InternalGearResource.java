package io.hyperai.gear.rest;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;

import io.hyperai.common.security.CurrentUser;
import io.hyperai.contracts.gear.GearApi;
import io.hyperai.gear.mapping.CatalogueMapper;
import io.hyperai.gear.service.CatalogueService;
import io.hyperai.gear.service.GearService;
import io.smallrye.mutiny.Uni;

/**
 * For the execution service, a gear as it needs it to run (spec, image, where each binding's bytes are); for
 * services that price or run specs, the whole catalogue, retired specs included.
 */
@RolesAllowed(CurrentUser.ROLE_SERVICE)
public class InternalGearResource implements GearApi {

    private final GearService gears;
    private final CatalogueService catalogue;

    public InternalGearResource(GearService gears, CatalogueService catalogue) {
        this.gears = gears;
        this.catalogue = catalogue;
    }

    @Override
    public Uni<GearRuntime> gear(String id) {
        return gears.internal(id);
    }

    @Override
    public Uni<List<Spec>> computeSpecs() {
        return catalogue.specs(true).map(list -> list.stream().map(CatalogueMapper::internal).toList());
    }
}
