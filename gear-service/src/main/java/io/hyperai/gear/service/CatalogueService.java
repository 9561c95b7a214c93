package io.hyperai.gear.service;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.hyperai.common.problem.ProblemException;
import io.hyperai.gear.ComputeSpec;
import io.hyperai.gear.RuntimeImage;
import io.hyperai.gear.mapping.CatalogueRequests.ComputeSpecChange;
import io.hyperai.gear.mapping.CatalogueRequests.NewComputeSpec;
import io.hyperai.gear.mapping.CatalogueRequests.NewRuntimeImage;
import io.hyperai.gear.mapping.CatalogueRequests.RuntimeImageChange;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/**
 * The catalogues of compute specs and runtime images. Items are retired, never deleted: gears that
 * use a retired item keep working, but nobody can choose it any more.
 */
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

    @WithSession
    public Uni<ComputeSpec> spec(String id) {
        return ComputeSpec.<ComputeSpec>findById(id).onItem().ifNull().failWith(() -> ProblemException.notFound("compute spec", id));
    }

    @WithSession
    public Uni<RuntimeImage> image(String id) {
        return RuntimeImage.<RuntimeImage>findById(id).onItem().ifNull().failWith(() -> ProblemException.notFound("image", id));
    }

    @WithTransaction
    public Uni<ComputeSpec> createSpec(NewComputeSpec request) {
        ComputeSpec spec = new ComputeSpec();
        spec.id = request.id();
        spec.kind = ComputeSpec.Kind.valueOf(request.kind());
        spec.vcpu = request.vcpu();
        spec.memoryMib = request.memoryMib();
        spec.diskGib = request.diskGib();
        spec.gpuCount = request.gpuCount() == null ? 0 : request.gpuCount();
        spec.gpuModel = request.gpuModel();
        spec.pricePerHourMinor = request.pricePerHourMinor();
        spec.currency = request.currency() == null ? "CNY" : request.currency();
        spec.nodeSelector = request.nodeSelector() == null ? Map.of() : Map.copyOf(request.nodeSelector());
        spec.updatedAt = Instant.now();
        checkGpu(spec);
        return ComputeSpec.findById(spec.id)
                .chain(existing -> existing != null
                        ? Uni.createFrom().<ComputeSpec>failure(ProblemException.conflict("already-exists",
                                "compute spec " + spec.id + " already exists"))
                        : spec.<ComputeSpec>persist());
    }

    @WithTransaction
    public Uni<ComputeSpec> updateSpec(String id, ComputeSpecChange change) {
        return ComputeSpec.<ComputeSpec>findById(id)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("compute spec", id))
                .invoke(spec -> {
                    if (change.vcpu() != null) {
                        spec.vcpu = change.vcpu();
                    }
                    if (change.memoryMib() != null) {
                        spec.memoryMib = change.memoryMib();
                    }
                    if (change.diskGib() != null) {
                        spec.diskGib = change.diskGib();
                    }
                    if (change.gpuCount() != null) {
                        spec.gpuCount = change.gpuCount();
                    }
                    if (change.gpuModel() != null) {
                        spec.gpuModel = change.gpuModel();
                    }
                    if (change.pricePerHourMinor() != null) {
                        spec.pricePerHourMinor = change.pricePerHourMinor();
                    }
                    if (change.currency() != null) {
                        spec.currency = change.currency();
                    }
                    if (change.nodeSelector() != null) {
                        spec.nodeSelector = Map.copyOf(change.nodeSelector());
                    }
                    spec.updatedAt = Instant.now();
                    checkGpu(spec);
                });
    }

    @WithTransaction
    public Uni<ComputeSpec> retireSpec(String id) {
        return ComputeSpec.<ComputeSpec>findById(id)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("compute spec", id))
                .invoke(spec -> {
                    if (!spec.retired) {
                        spec.retired = true;
                        spec.updatedAt = Instant.now();
                    }
                });
    }

    @WithTransaction
    public Uni<RuntimeImage> createImage(NewRuntimeImage request) {
        RuntimeImage image = new RuntimeImage();
        image.id = request.id();
        image.framework = request.framework().strip();
        image.version = request.version().strip();
        image.build = ComputeSpec.Kind.valueOf(request.build());
        image.imageRef = request.imageRef();
        image.updatedAt = Instant.now();
        return RuntimeImage.count("id = ?1 or (framework = ?2 and version = ?3 and build = ?4)", image.id,
                image.framework, image.version, image.build)
                .chain(clashes -> clashes > 0
                        ? Uni.createFrom().<RuntimeImage>failure(ProblemException.conflict("already-exists",
                                "image " + image.id + " or another " + image.framework + " " + image.version + " "
                                        + image.build + " image already exists"))
                        : image.<RuntimeImage>persist());
    }

    @WithTransaction
    public Uni<RuntimeImage> updateImage(String id, RuntimeImageChange change) {
        return RuntimeImage.<RuntimeImage>findById(id)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("image", id))
                .invoke(image -> {
                    image.imageRef = change.imageRef();
                    image.updatedAt = Instant.now();
                });
    }

    @WithTransaction
    public Uni<RuntimeImage> retireImage(String id) {
        return RuntimeImage.<RuntimeImage>findById(id)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("image", id))
                .invoke(image -> {
                    if (!image.retired) {
                        image.retired = true;
                        image.updatedAt = Instant.now();
                    }
                });
    }

    /** A GPU spec has GPUs of a named model; a CPU spec has none. */
    private static void checkGpu(ComputeSpec spec) {
        if (spec.kind == ComputeSpec.Kind.GPU) {
            if (spec.gpuCount < 1) {
                throw ProblemException.invalid("gpuCount", "a GPU spec needs at least one GPU");
            }
            if (spec.gpuModel == null || spec.gpuModel.isBlank()) {
                throw ProblemException.invalid("gpuModel", "a GPU spec needs a GPU model");
            }
        } else {
            if (spec.gpuCount != 0) {
                throw ProblemException.invalid("gpuCount", "a CPU spec has no GPUs");
            }
            if (spec.gpuModel != null) {
                throw ProblemException.invalid("gpuModel", "a CPU spec has no GPU model");
            }
        }
    }
}
