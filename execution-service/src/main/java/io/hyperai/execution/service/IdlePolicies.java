package io.hyperai.execution.service;

import java.time.Duration;
import java.util.Optional;

import io.hyperai.common.problem.ProblemException;
import io.hyperai.contracts.gear.GearApi;
import io.hyperai.execution.mapping.IdlePolicy;

/** What an idle policy must be: for a workspace, each time at least the minimum, a warning before the stop. */
final class IdlePolicies {

    static Optional<ProblemException> problem(IdlePolicy idle, String mode, Duration minimum) {
        if (idle == null) {
            return Optional.empty();
        }
        if (!"JUPYTER".equals(mode)) {
            return Optional.of(ProblemException.invalid("idlePolicy", "applies to workspaces (mode jupyter) only"));
        }
        if (idle.warnAfterSeconds() == null && idle.stopAfterSeconds() == null) {
            return Optional.of(ProblemException.invalid("idlePolicy", "needs warnAfterSeconds, stopAfterSeconds or both"));
        }
        Optional<ProblemException> tooShort = tooShort("warnAfterSeconds", idle.warnAfterSeconds(), minimum)
                .or(() -> tooShort("stopAfterSeconds", idle.stopAfterSeconds(), minimum));
        if (tooShort.isPresent()) {
            return tooShort;
        }
        if (idle.warnAfterSeconds() != null && idle.stopAfterSeconds() != null
                && idle.warnAfterSeconds() >= idle.stopAfterSeconds()) {
            return Optional.of(ProblemException.invalid("idlePolicy.warnAfterSeconds",
                    "must be less than stopAfterSeconds"));
        }
        return Optional.empty();
    }

    private static Optional<ProblemException> tooShort(String field, Integer seconds, Duration minimum) {
        return seconds != null && seconds < minimum.toSeconds()
                ? Optional.of(ProblemException.invalid("idlePolicy." + field, "must be at least "
                        + minimum.toSeconds() + " seconds"))
                : Optional.empty();
    }

    /** A gear's policy as a start takes it: each time raised to this service's minimum if the gear's is shorter. */
    static IdlePolicy fromGear(GearApi.IdlePolicy gear, Duration minimum) {
        return gear == null ? null
                : IdlePolicy.of(atLeast(gear.warnAfterSeconds(), minimum), atLeast(gear.stopAfterSeconds(), minimum));
    }

    private static Integer atLeast(Integer seconds, Duration minimum) {
        return seconds == null ? null : (int) Math.max(seconds, minimum.toSeconds());
    }

    private IdlePolicies() {
    }
}
