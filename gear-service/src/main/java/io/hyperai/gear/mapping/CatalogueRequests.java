package io.hyperai.gear.mapping;

import java.util.Map;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** What admins send to add to or change the catalogues. */
public final class CatalogueRequests {

    public static final String ID = "[a-z0-9][a-z0-9._-]{1,63}";
    public static final String KIND = "CPU|GPU";
    public static final String CURRENCY = "[A-Z]{3}";

    private CatalogueRequests() {
    }

    public record NewComputeSpec(
            @NotNull @Pattern(regexp = ID, message = "must be 2-64 lower-case letters, digits, '.', '_' or '-'") String id,
            @NotNull @Pattern(regexp = KIND, message = "must be CPU or GPU") String kind,
            @NotNull @Min(1) @Max(512) Integer vcpu,
            @NotNull @Min(256) @Max(16_777_216) Integer memoryMib,
            @NotNull @Min(1) @Max(65_536) Integer diskGib,
            @Min(0) @Max(64) Integer gpuCount,
            @Size(min = 1, max = 64) String gpuModel,
            @NotNull @Min(0) @Max(100_000_000) Long pricePerHourMinor,
            @Pattern(regexp = CURRENCY, message = "must be an ISO 4217 code") String currency,
            @Size(max = 20) Map<@NotBlank @Size(max = 253) String, @NotNull @Size(max = 63) String> nodeSelector) {
    }

    /** Only the fields present change; the id and kind of a spec never do. */
    public record ComputeSpecChange(
            @Min(1) @Max(512) Integer vcpu,
            @Min(256) @Max(16_777_216) Integer memoryMib,
            @Min(1) @Max(65_536) Integer diskGib,
            @Min(0) @Max(64) Integer gpuCount,
            @Size(min = 1, max = 64) String gpuModel,
            @Min(0) @Max(100_000_000) Long pricePerHourMinor,
            @Pattern(regexp = CURRENCY, message = "must be an ISO 4217 code") String currency,
            @Size(max = 20) Map<@NotBlank @Size(max = 253) String, @NotNull @Size(max = 63) String> nodeSelector) {
    }

    public record NewRuntimeImage(
            @NotNull @Pattern(regexp = ID, message = "must be 2-64 lower-case letters, digits, '.', '_' or '-'") String id,
            @NotBlank @Size(max = 32) String framework,
            @NotBlank @Size(max = 32) String version,
            @NotNull @Pattern(regexp = KIND, message = "must be CPU or GPU") String build,
            @NotBlank @Size(max = 300) @Pattern(regexp = "\\S+", message = "must be an image reference without spaces") String imageRef) {
    }

    /** Only the image reference of an image changes (a rebuilt image); what it is stays. */
    public record RuntimeImageChange(
            @NotBlank @Size(max = 300) @Pattern(regexp = "\\S+", message = "must be an image reference without spaces") String imageRef) {
    }
}
