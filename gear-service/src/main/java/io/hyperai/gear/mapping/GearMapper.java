package io.hyperai.gear.mapping;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.hyperai.common.events.payload.GearChanged;
import io.hyperai.contracts.gear.GearApi;
import io.hyperai.gear.ComputeSpec;
import io.hyperai.gear.Gear;
import io.hyperai.gear.GearBinding;
import io.hyperai.gear.GearDefaults;
import io.hyperai.gear.RuntimeImage;

/** Gears to what users, services and events see of them. */
public final class GearMapper {

    public record SourceView(String kind, String id, Integer version, String executionId) {
    }

    /** {@code broken} with its reason when the source can no longer be mounted; such a gear does not start. */
    public record BindingView(String mountPath, boolean readOnly, SourceView source, boolean broken,
            String brokenReason) {
    }

    /** A user's view: where things are stored is the platform's business, not theirs. */
    public record GearView(String id, String name, String computeSpecId, String imageId, List<BindingView> bindings,
            @JsonInclude(JsonInclude.Include.NON_NULL) GearApi.IdlePolicy idlePolicy, int revision, Instant createdAt,
            Instant updatedAt) {
    }

    private GearMapper() {
    }

    public static GearView view(Gear g) {
        return view(g, null);
    }

    /** With each binding's broken reason ({@code broken} null: not checked, all taken as fine). */
    public static GearView view(Gear g, List<String> broken) {
        List<GearBinding> bindings = g.bindings();
        List<BindingView> views = new java.util.ArrayList<>();
        for (int i = 0; i < bindings.size(); i++) {
            GearBinding b = bindings.get(i);
            String reason = broken == null ? null : broken.get(i);
            views.add(new BindingView(b.mountPath(), b.readOnly(), source(b), reason != null, reason));
        }
        return new GearView(g.id, g.name, g.computeSpecId, g.imageId, views, idlePolicy(g), g.revision, g.createdAt,
                g.updatedAt);
    }

    /**
     * What the execution service runs and mounts: spec, image, each source and where its bytes are, and the idle policy
     * of its workspaces: the gear's own, else the owner's {@code defaults} (null: none).
     */
    public static GearApi.GearRuntime internal(Gear g, ComputeSpec spec, RuntimeImage image, List<String> broken,
            GearDefaults defaults) {
        List<GearBinding> bindings = g.bindings();
        List<GearApi.Mount> mounts = new java.util.ArrayList<>();
        for (int i = 0; i < bindings.size(); i++) {
            GearBinding b = bindings.get(i);
            mounts.add(new GearApi.Mount(b.mountPath(), b.readOnly(),
                    new GearApi.Source(b.sourceKind(), b.sourceId(), b.version(), b.executionId()),
                    b.storagePath(), b.totalBytes(), b.workdirPath(), b.bytes(), broken.get(i)));
        }
        return new GearApi.GearRuntime(g.id, g.ownerId, g.name, g.revision, CatalogueMapper.internal(spec),
                CatalogueMapper.internal(image), mounts, g.createdAt, g.updatedAt,
                hasIdlePolicy(g) || defaults == null ? idlePolicy(g)
                        : idlePolicy(defaults.idleWarnAfterSeconds, defaults.idleStopAfterSeconds));
    }

    public static boolean hasIdlePolicy(Gear g) {
        return g.idleWarnAfterSeconds != null || g.idleStopAfterSeconds != null;
    }

    private static GearApi.IdlePolicy idlePolicy(Gear g) {
        return idlePolicy(g.idleWarnAfterSeconds, g.idleStopAfterSeconds);
    }

    private static GearApi.IdlePolicy idlePolicy(Integer warnAfterSeconds, Integer stopAfterSeconds) {
        return warnAfterSeconds == null && stopAfterSeconds == null ? null
                : new GearApi.IdlePolicy(warnAfterSeconds, stopAfterSeconds);
    }

    public static GearRequests.Defaults defaults(GearDefaults d) {
        return new GearRequests.Defaults(d == null || (d.idleWarnAfterSeconds == null && d.idleStopAfterSeconds == null)
                ? null : new GearRequests.IdlePolicyRequest(d.idleWarnAfterSeconds, d.idleStopAfterSeconds));
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
