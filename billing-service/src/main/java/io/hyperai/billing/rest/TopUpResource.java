package io.hyperai.billing.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.hyperai.billing.mapping.TopUpRequest;
import io.hyperai.billing.mapping.TopUpView;
import io.hyperai.billing.service.AccountService;
import io.hyperai.common.security.CurrentUser;
import io.smallrye.mutiny.Uni;

/** Admins credit prepaid balances; a repeated reference credits once (201 the first time, 200 after). */
@Path("/api/v1/billing/accounts/{userId}/top-ups")
@RolesAllowed(CurrentUser.ROLE_ADMIN)
@Tag(name = "Top-ups", description = "Admins credit any user's prepaid balance (role `admin`).")
public class TopUpResource {

    private final AccountService accounts;
    private final CurrentUser user;

    public TopUpResource(AccountService accounts, CurrentUser user) {
        this.accounts = accounts;
        this.user = user;
    }

    @Consumes(MediaType.APPLICATION_JSON)
    @POST
    @Operation(summary = "Credit a user's balance", description = "The `reference` (an invoice or payment id) makes a"
            + " retry safe: the same reference and amount credit once; a positive balance ends an exhaustion.")
    @APIResponse(responseCode = "201", description = "Credited", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TopUpView.class)))
    @APIResponse(responseCode = "200", description = "Already credited with this reference: the first top-up",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TopUpView.class)))
    @APIResponse(responseCode = "409", description = "The reference was used for a different top-up"
            + " (`top-up-reference-reused`).")
    public Uni<Response> topUp(@Parameter(description = "The user to credit (the subject of their tokens)")
            @PathParam("userId") @Size(min = 1, max = 200) String userId,
            @RequestBody(content = @Content(examples = @ExampleObject(name = "100-cny",
                    value = "{\"amountMinor\": 10000, \"reference\": \"invoice-2026-11-0042\"}")))
            @Valid @NotNull TopUpRequest request) {
        return accounts.topUp(userId, request.amountMinor(), request.reference(), user.id())
                .map(r -> Response.status(r.created() ? Response.Status.CREATED : Response.Status.OK)
                        .entity(r.topUp()).build());
    }
}
