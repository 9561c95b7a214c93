package io.hyperai.billing.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

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
    public Uni<AdmissionView> admission(@PathParam("userId") String userId) {
        return accounts.admission(userId);
    }
}
