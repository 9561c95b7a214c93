package io.hyperai.gear.mapping;

import java.util.Map;

import io.hyperai.contracts.gear.GearApi;
import io.hyperai.gear.ComputeSpec;
import io.hyperai.gear.RuntimeImage;

/** Entities to the API's views. */
public final class CatalogueMapper {

    public record ComputeSpecView(String id, String kind, int vcpu, int memoryMib, int diskGib, int gpuCount,
            String gpuModel, long pricePerHourMinor, String currency, Map<String, String> nodeSelector, boolean retired) {
    }

    public record RuntimeImageView(String id, String framework, String version, String build, String imageRef,
            boolean retired) {
    }

    private CatalogueMapper() {
    }

    public static ComputeSpecView view(ComputeSpec s) {
        return new ComputeSpecView(s.id, s.kind.name(), s.vcpu, s.memoryMib, s.diskGib, s.gpuCount, s.gpuModel,
                s.pricePerHourMinor, s.currency, s.nodeSelector == null ? Map.of() : s.nodeSelector, s.retired);
    }

    /** The same spec as other services read it (the internal contract, which evolves on its own). */
    public static GearApi.Spec internal(ComputeSpec s) {
        return new GearApi.Spec(s.id, s.kind.name(), s.vcpu, s.memoryMib, s.diskGib, s.gpuCount, s.gpuModel,
                s.pricePerHourMinor, s.currency, s.nodeSelector == null ? Map.of() : s.nodeSelector, s.retired);
    }

    public static GearApi.Image internal(RuntimeImage i) {
        return new GearApi.Image(i.id, i.framework, i.version, i.build.name(), i.imageRef, i.retired);
    }

    public static RuntimeImageView view(RuntimeImage i) {
        return new RuntimeImageView(i.id, i.framework, i.version, i.build.name(), i.imageRef, i.retired);
    }
}
