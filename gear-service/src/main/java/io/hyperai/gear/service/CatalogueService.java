package io.hyperai.gear.service;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.hyperai.gear.ComputeSpec;
import io.hyperai.gear.RuntimeImage;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/** The catalogues of compute specs and runtime images. */
@ApplicationScoped
public class CatalogueService {

    @WithSession
    public Uni<List<ComputeSpec>> specs(boolean includeRetired) {
        return includeRetired ? ComputeSpec.listAll(Sort.by("kind").and("pricePerHourMinor"))
                : ComputeSpec.list("retired = false", Sort.by("kind").and("pricePerHourMinor"));
    }

    @WithSession
    public Uni<List<RuntimeImage>> images(boolean includeRetired) {
        Sort sort = Sort.by("framework").and("version", Sort.Direction.Descending).and("build");
        return includeRetired ? RuntimeImage.listAll(sort) : RuntimeImage.list("retired = false", sort);
    }
}
