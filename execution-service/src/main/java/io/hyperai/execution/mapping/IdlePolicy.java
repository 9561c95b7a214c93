package io.hyperai.execution.mapping;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A workspace's idle policy: warned after {@code warnAfterSeconds} without use, stopped (reason IDLE, home saved)
 * after {@code stopAfterSeconds}; either may be left out. Without one a workspace runs, and is billed, until it is
 * stopped. A busy kernel is use, however long its cell runs.
 */
@Schema(description = "Warn and/or stop a workspace after this long without use (no busy kernel, no kernel or"
        + " terminal activity, no request). Each at least the service's minimum (60 s by default). Without one, a"
        + " workspace takes its gear's policy.")
public record IdlePolicy(
        @Min(1) @Max(StartRequest.MAX_RUNTIME_LIMIT) Integer warnAfterSeconds,
        @Min(1) @Max(StartRequest.MAX_RUNTIME_LIMIT) Integer stopAfterSeconds) {

    /** The policy of these two times as stored (null each: none), or null when neither is set. */
    public static IdlePolicy of(Integer warnAfterSeconds, Integer stopAfterSeconds) {
        return warnAfterSeconds == null && stopAfterSeconds == null ? null
                : new IdlePolicy(warnAfterSeconds, stopAfterSeconds);
    }
}
