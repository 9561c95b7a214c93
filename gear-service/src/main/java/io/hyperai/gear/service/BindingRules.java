package io.hyperai.gear.service;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.hyperai.common.problem.Problem.FieldError;
import io.hyperai.gear.GearBinding;
import io.hyperai.gear.mapping.GearRequests.BindingRequest;
import io.hyperai.gear.mapping.GearRequests.SourceRequest;

/**
 * The rules a list of bindings must follow on its own, before anyone is asked whether its sources
 * exist: mount points {@code /hyperai/input/input0..4} and {@code /hyperai/home} only, each used once
 * (so at most five inputs and one home), and a source shaped for its kind.
 */
public final class BindingRules {

    private BindingRules() {
    }

    public static boolean isAllowedMountPath(String path) {
        if (GearBinding.HOME.equals(path)) {
            return true;
        }
        if (path == null || !path.startsWith(GearBinding.INPUT_PREFIX)
                || path.length() != GearBinding.INPUT_PREFIX.length() + 1) {
            return false;
        }
        char n = path.charAt(path.length() - 1);
        return n >= '0' && n < '0' + GearBinding.MAX_INPUTS;
    }

    /** Every rule broken, each naming its field ({@code bindings[2].mountPath}); empty when the list is fine. */
    public static List<FieldError> check(List<BindingRequest> bindings) {
        List<FieldError> errors = new ArrayList<>();
        Map<String, Integer> used = new HashMap<>();
        int inputs = 0;
        for (int i = 0; i < bindings.size(); i++) {
            BindingRequest binding = bindings.get(i);
            String field = "bindings[" + i + "]";
            String path = binding.mountPath();
            if (path.startsWith("/hyperai/input/")) {
                inputs++;
            }
            if (!isAllowedMountPath(path)) {
                errors.add(new FieldError(field + ".mountPath",
                        "must be /hyperai/home or one of /hyperai/input/input0 to /hyperai/input/input4"));
            } else if (used.containsKey(path)) {
                errors.add(new FieldError(field + ".mountPath", GearBinding.HOME.equals(path)
                        ? "only one binding may be at /hyperai/home; bindings[" + used.get(path) + "] is already there"
                        : "is already used by bindings[" + used.get(path) + "]; each mount path is used once"));
            } else {
                used.put(path, i);
            }
            errors.addAll(checkSource(field + ".source", binding.source()));
        }
        if (inputs > GearBinding.MAX_INPUTS) {
            errors.add(0, new FieldError("bindings", "a gear has at most " + GearBinding.MAX_INPUTS + " inputs"));
        }
        return errors;
    }

    private static List<FieldError> checkSource(String field, SourceRequest source) {
        List<FieldError> errors = new ArrayList<>();
        if (GearBinding.OUTPUT.equals(source.kind())) {
            if (source.executionId() == null) {
                errors.add(new FieldError(field + ".executionId", "is required for an output source"));
            }
            if (source.id() != null) {
                errors.add(new FieldError(field + ".id", "must be absent for an output source; use executionId"));
            }
            if (source.version() != null) {
                errors.add(new FieldError(field + ".version", "must be absent for an output source"));
            }
            if (source.handle() != null) {
                errors.add(new FieldError(field + ".handle", "must be absent for an output source"));
            }
        } else {
            if (source.id() == null && source.handle() == null) {
                errors.add(new FieldError(field + ".id", "is required for a " + source.kind()
                        + " source (or the handle of a public one)"));
            }
            if (source.id() != null && source.handle() != null) {
                errors.add(new FieldError(field + ".handle", "name the source by its id or its handle, not both"));
            }
            if (source.version() == null) {
                errors.add(new FieldError(field + ".version", "is required for a " + source.kind() + " source"));
            }
            if (source.executionId() != null) {
                errors.add(new FieldError(field + ".executionId", "must be absent for a " + source.kind() + " source"));
            }
        }
        return errors;
    }
}
