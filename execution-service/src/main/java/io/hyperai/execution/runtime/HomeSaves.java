package io.hyperai.execution.runtime;

/**
 * Whether an ended execution's home has reached the working-directories volume, so it can be measured. A runtime
 * that saves after the execution's container is gone (Kubernetes: {@link HomeSave}) moves the save on at each call;
 * every call is idempotent, so a periodic pass may repeat it.
 */
public interface HomeSaves {

    /** True once the saved working directory holds all it will hold (everything, or up to the disk limit). */
    boolean saved(String executionId);
}
