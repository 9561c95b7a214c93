package io.hyperai.common.events.payload;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** {@code gear.created} and {@code gear.updated}: the gear as it now is. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record GearChanged(
        String gearId,
        String ownerId,
        String name,
        String computeSpecId,
        String imageId,
        List<Binding> bindings) implements EventPayload {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Binding(String mountPath, String sourceKind, String sourceId, Integer version, String executionId) {
    }
}
