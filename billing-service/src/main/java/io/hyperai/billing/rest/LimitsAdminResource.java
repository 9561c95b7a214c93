package io.hyperai.billing.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.hyperai.billing.mapping.LimitsRequest;
import io.hyperai.billing.mapping.LimitsView;
import io.hyperai.billing.service.LimitsService;
import io.hyperai.common.security.CurrentUser;
import io.smallrye.mutiny.Uni;

/** Admins set any user's spending limits, as the user can with {@code PUT /api/v1/billing/me/limits}. */
@Path("/api/v1/billing/accounts/{userId}/limits")
@RolesAllowed(CurrentUser.ROLE_ADMIN)
@Tag(name = "Spending limits", description = "Admins set any user's monthly cap and low-balance threshold (role `admin`).")
public class LimitsAdminResource {

    private final LimitsService limits;

    public LimitsAdminResource(LimitsService limits) {
        this.limits = limits;
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set a user's spending limits", description = "Replaces both limits (null or absent: none);"
            + " judged at once, as when the user sets them.")
    public Uni<LimitsView> set(@Parameter(description = "The user (the subject of their tokens)")
            @PathParam("userId") @Size(min = 1, max = 200) String userId,
            @RequestBody(content = @Content(examples = @ExampleObject(name = "cap-only",
                    value = "{\"monthlyCapMinor\": 50000, \"lowBalanceThresholdMinor\": null}")))
            @Valid @NotNull LimitsRequest request) {
        return limits.set(userId, request);
    }
}
