package io.hyperai.billing.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

import io.hyperai.billing.mapping.AdmissionView;
import io.hyperai.billing.service.AccountService;
import io.hyperai.common.security.CurrentUser;
import io.smallrye.mutiny.Uni;

/** For the execution service: may this user start an execution (balance above zero)? */
@Path("/internal/billing/admission/{userId}")
@RolesAllowed(CurrentUser.ROLE_SERVICE)
public class InternalAdmissionResource {

    private final AccountService accounts;

    public InternalAdmissionResource(AccountService accounts) {
        this.accounts = accounts;
    }

    @GET
    @Operation(summary = "May this user start an execution (is their balance above zero)?")
    public Uni<AdmissionView> admission(@Parameter(description = "The user") @PathParam("userId") String userId) {
        return accounts.admission(userId);
    }
}
