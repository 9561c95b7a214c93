package io.hyperai.gear;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One mount of a gear, with the source as the user named it and where that source lives, resolved
 * when the binding was made: {@code storagePath}/{@code totalBytes} of a dataset or model version,
 * {@code workdirPath}/{@code bytes} of an execution's saved working directory.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record GearBinding(
        String mountPath,
        String sourceKind,
        String sourceId,
        Integer version,
        String executionId,
        String storagePath,
        Long totalBytes,
        String workdirPath,
        Long bytes) {

    public static final String HOME = "/hyperai/home";
    public static final String INPUT_PREFIX = "/hyperai/input/input";
    public static final int MAX_INPUTS = 5;

    public static final String DATASET = "dataset";
    public static final String MODEL = "model";
    public static final String OUTPUT = "output";

    /** Inputs are mounted read-only; {@code /hyperai/home} starts as a writable copy of its source. */
    public boolean readOnly() {
        return !HOME.equals(mountPath);
    }
}
