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

import io.hyperai.billing.mapping.TopUpRequest;
import io.hyperai.billing.service.AccountService;
import io.hyperai.common.security.CurrentUser;
import io.smallrye.mutiny.Uni;

/** Admins credit prepaid balances; a repeated reference credits once (201 the first time, 200 after). */
@Path("/api/v1/billing/accounts/{userId}/top-ups")
@RolesAllowed(CurrentUser.ROLE_ADMIN)
public class TopUpResource {

    private final AccountService accounts;
    private final CurrentUser user;

    public TopUpResource(AccountService accounts, CurrentUser user) {
        this.accounts = accounts;
        this.user = user;
    }

    @Consumes(MediaType.APPLICATION_JSON)
    @POST
    public Uni<Response> topUp(@PathParam("userId") @Size(min = 1, max = 200) String userId,
            @Valid @NotNull TopUpRequest request) {
        return accounts.topUp(userId, request.amountMinor(), request.reference(), user.id())
                .map(r -> Response.status(r.created() ? Response.Status.CREATED : Response.Status.OK)
                        .entity(r.topUp()).build());
    }
}
