package io.hyperai.gear.mapping;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/**
 * What users send to create or change a gear. The shape is checked here; the binding rules that
 * need the whole list or other services are {@link io.hyperai.gear.service.BindingRules} and
 * {@link io.hyperai.gear.service.GearService}.
 */
public final class GearRequests {

    public static final int MAX_NAME = 100;
    public static final int MAX_BINDINGS = 6;
    static final String NOT_BLANK = "(?s).*\\S.*";
    static final String REF = "[A-Za-z0-9][A-Za-z0-9._:-]{0,99}";
    static final String REF_MESSAGE = "must be 1-100 letters, digits, '.', '_', ':' or '-'";
    /** A public dataset's or model's handle, {@code <owner name>/<name>}. */
    static final String HANDLE = "[A-Za-z0-9][A-Za-z0-9._@-]{0,99}/[A-Za-z0-9][A-Za-z0-9._-]{0,99}";
    static final String HANDLE_MESSAGE = "must be a public item's handle, <owner name>/<name>";

    private GearRequests() {
    }

    public record NewGear(
            @NotBlank @Size(max = MAX_NAME) String name,
            @NotBlank @Size(max = 64) String computeSpecId,
            @NotBlank @Size(max = 64) String imageId,
            @Size(max = MAX_BINDINGS) List<@NotNull @Valid BindingRequest> bindings,
            @Valid IdlePolicyRequest idlePolicy) {
    }

    /**
     * Only what is present changes; {@code bindings}, when present, replaces every binding; {@code idlePolicy}, when
     * present, replaces the policy ({@code {}} removes it).
     */
    public record GearChange(
            @Size(min = 1, max = MAX_NAME) @Pattern(regexp = NOT_BLANK, message = "must not be blank") String name,
            @Size(min = 1, max = 64) String computeSpecId,
            @Size(min = 1, max = 64) String imageId,
            @Size(max = MAX_BINDINGS) List<@NotNull @Valid BindingRequest> bindings,
            @Valid IdlePolicyRequest idlePolicy) {
    }

    /**
     * The gear's workspaces are warned after {@code warnAfterSeconds} without use and stopped (home saved) after
     * {@code stopAfterSeconds}; either may be left out, each at least a minute, the warning before the stop.
     */
    public record IdlePolicyRequest(
            @Min(MIN_IDLE_SECONDS) @Max(MAX_IDLE_SECONDS) Integer warnAfterSeconds,
            @Min(MIN_IDLE_SECONDS) @Max(MAX_IDLE_SECONDS) Integer stopAfterSeconds) {
    }

    /** A user's defaults for their gears (request and answer): the idle policy of gears that have none. */
    public record Defaults(@Valid IdlePolicyRequest idlePolicy) {
    }

    public static final int MIN_IDLE_SECONDS = 60;
    /** A year: a longer idle time is no policy. */
    public static final int MAX_IDLE_SECONDS = 31_536_000;

    public record BindingRequest(
            @NotBlank @Size(max = 100) String mountPath,
            @NotNull @Valid SourceRequest source) {
    }

    /** A dataset or model version ({@code id}, {@code version}) or an execution's saved output ({@code executionId}). */
    public record SourceRequest(
            @NotNull @Pattern(regexp = "dataset|model|output", message = "must be dataset, model or output") String kind,
            @Pattern(regexp = REF, message = REF_MESSAGE) String id,
            @Positive Integer version,
            @Pattern(regexp = REF, message = REF_MESSAGE) String executionId,
            @Pattern(regexp = HANDLE, message = HANDLE_MESSAGE) String handle) {
    }
}
