package io.hyperai.gear.service;

import java.util.List;
import java.util.stream.Collectors;

import io.hyperai.common.problem.Problem.FieldError;
import io.hyperai.common.problem.ProblemException;

/** One 400 problem that names every offending field at once. */
final class Problems {

    private Problems() {
    }

    static ProblemException invalid(List<FieldError> errors) {
        if (errors.size() == 1) {
            return ProblemException.invalid(errors.get(0).field(), errors.get(0).message());
        }
        String detail = errors.stream().map(e -> e.field() + ": " + e.message()).collect(Collectors.joining("; "));
        return new ProblemException(400, "validation", "Invalid request", detail, errors, null);
    }

    static void throwIfAny(List<FieldError> errors) {
        if (!errors.isEmpty()) {
            throw invalid(errors);
        }
    }
}
