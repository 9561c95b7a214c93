package io.hyperai.execution.runtime;

/**
 * The runtime has no room for the execution now (the namespace's quota is used up by something the queue does not
 * count): it goes back to waiting, it does not fail.
 */
public class CapacityRefused extends RuntimeException {

    public CapacityRefused(String message, Throwable cause) {
        super(message, cause);
    }
}
