package io.hyperai.execution;

/** Why an execution is where it is; recorded on transitions and carried by end events. */
public final class Reasons {
    public static final String WAITING_FOR_CAPACITY = "WAITING_FOR_CAPACITY";
    public static final String MEMORY_LIMIT_EXCEEDED = "MEMORY_LIMIT_EXCEEDED";
    public static final String DISK_LIMIT_EXCEEDED = "DISK_LIMIT_EXCEEDED";
    public static final String EXIT_CODE = "EXIT_CODE";
    public static final String EVICTED = "EVICTED";
    public static final String NODE_LOST = "NODE_LOST";
    public static final String IMAGE_PULL_FAILED = "IMAGE_PULL_FAILED";
    public static final String CRASH_LOOP = "CRASH_LOOP";
    public static final String RUNTIME_ERROR = "RUNTIME_ERROR";
    public static final String USER_STOPPED = "USER_STOPPED";
    public static final String BALANCE_EXHAUSTED = "BALANCE_EXHAUSTED";
    /** Its {@code maxRuntimeSeconds} ran out. */
    public static final String DEADLINE = "DEADLINE";
    /** A workspace idle for the time its idle policy allows. */
    public static final String IDLE = "IDLE";
    /** Its owner's monthly spending cap, or its own {@code maxCostMinor}, was reached. */
    public static final String SPENDING_CAP = "SPENDING_CAP";

    /** Failures whose container would otherwise linger (waiting for an image, restarting). */
    public static boolean removesContainer(String reason) {
        return IMAGE_PULL_FAILED.equals(reason) || CRASH_LOOP.equals(reason);
    }

    private Reasons() {
    }
}
