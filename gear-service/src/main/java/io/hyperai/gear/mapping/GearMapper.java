package io.hyperai.gear.mapping;

import java.time.Instant;
import java.util.List;

import io.hyperai.common.events.payload.GearChanged;
import io.hyperai.contracts.gear.GearApi;
import io.hyperai.gear.ComputeSpec;
import io.hyperai.gear.Gear;
import io.hyperai.gear.GearBinding;
import io.hyperai.gear.RuntimeImage;

/** Gears to what users, services and events see of them. */
public final class GearMapper {

    public record SourceView(String kind, String id, Integer version, String executionId) {
    }

    public record BindingView(String mountPath, boolean readOnly, SourceView source) {
    }

    /** A user's view: where things are stored is the platform's business, not theirs. */
    public record GearView(String id, String name, String computeSpecId, String imageId, List<BindingView> bindings,
            int revision, Instant createdAt, Instant updatedAt) {
    }

    private GearMapper() {
    }

    public static GearView view(Gear g) {
        return new GearView(g.id, g.name, g.computeSpecId, g.imageId,
                g.bindings().stream().map(b -> new BindingView(b.mountPath(), b.readOnly(), source(b))).toList(),
                g.revision, g.createdAt, g.updatedAt);
    }

    /** What the execution service runs and mounts: spec, image, each source and where its bytes are. */
    public static GearApi.GearRuntime internal(Gear g, ComputeSpec spec, RuntimeImage image) {
        return new GearApi.GearRuntime(g.id, g.ownerId, g.name, g.revision, CatalogueMapper.internal(spec),
                CatalogueMapper.internal(image),
                g.bindings().stream().map(b -> new GearApi.Mount(b.mountPath(), b.readOnly(),
                        new GearApi.Source(b.sourceKind(), b.sourceId(), b.version(), b.executionId()),
                        b.storagePath(), b.totalBytes(), b.workdirPath(), b.bytes())).toList(),
                g.createdAt, g.updatedAt);
    }

    public static GearChanged event(Gear g) {
        return new GearChanged(g.id, g.ownerId, g.name, g.computeSpecId, g.imageId, g.bindings().stream()
                .map(b -> new GearChanged.Binding(b.mountPath(), b.sourceKind(), b.sourceId(), b.version(),
                        b.executionId()))
                .toList());
    }

    private static SourceView source(GearBinding b) {
        return new SourceView(b.sourceKind(), b.sourceId(), b.version(), b.executionId());
    }
}
