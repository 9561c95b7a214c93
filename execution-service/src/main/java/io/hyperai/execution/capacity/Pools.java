package io.hyperai.execution.capacity;

import java.util.Locale;

import io.hyperai.execution.runtime.Launch;

/** Which pool an execution draws from: its GPU model's, or the CPU pool. */
public final class Pools {

    public static final String CPU = "cpu";

    private Pools() {
    }

    public static String of(Launch.Resources r) {
        return r.gpuCount() > 0 ? gpu(r.gpuModel()) : CPU;
    }

    /** A GPU model's pool, named as nodes are labelled ({@code hyperai.io/gpu-model: h100-80g}). */
    public static String gpu(String model) {
        return model == null ? "gpu" : model.toLowerCase(Locale.ROOT);
    }
}
