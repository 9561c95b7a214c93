package io.hyperai.execution.runtime;

import java.util.List;
import java.util.Map;

/**
 * Everything a runtime needs to start an execution, fixed at admission and stored with it, so a
 * restart or a resync recreates exactly the same container.
 */
public record Launch(
        String executionId,
        String gearId,
        String ownerId,
        String mode,
        String image,
        String entryCommand,
        Resources resources,
        Map<String, String> nodeSelector,
        List<Mount> inputs,
        Mount home,
        String codePath,
        String jupyterToken) {

    /** Limits from the compute spec. */
    public record Resources(int vcpu, int memoryMib, int diskGib, int gpuCount, String gpuModel) {
    }

    /**
     * A binding: {@code volume} is {@code warehouse} (dataset and model versions) or
     * {@code workdirs} (saved working directories); {@code subPath} is inside that volume.
     */
    public record Mount(String mountPath, String volume, String subPath) {
    }

    public boolean isJupyter() {
        return "JUPYTER".equals(mode);
    }
}
