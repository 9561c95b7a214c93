package io.hyperai.common.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import io.hyperai.common.inbox.DeadLetter;
import io.hyperai.common.inbox.DeadLetters;
import io.hyperai.common.inbox.DeadLetters.RedriveSummary;
import io.hyperai.common.paging.Page;
import io.hyperai.common.paging.PageRequest;
import io.hyperai.common.security.CurrentUser;
import io.smallrye.mutiny.Uni;

/**
 * The dead letters of one service's consumers, for admins: each service that consumes events gives this its own path
 * ({@code /api/v1/admin/<service>/dead-letters}), so an Ingress routes each to its service. The security annotation
 * is repeated on the subclasses: a class-level one covers the methods its class declares; the OpenAPI security
 * requirement is written out on each method, because it is not derived from {@code @RolesAllowed} on inherited ones.
 */
@RolesAllowed(CurrentUser.ROLE_ADMIN)
public abstract class DeadLetterResource {

    private static final String ID = "The dead letter's id in this service";

    private final DeadLetters deadLetters;

    protected DeadLetterResource(DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    @GET
    @RolesAllowed(CurrentUser.ROLE_ADMIN)
    @SecurityRequirement(name = "SecurityScheme", scopes = CurrentUser.ROLE_ADMIN)
    @Operation(summary = "List the records this service's consumers could not apply", description = "Newest first,"
            + " with the reason and how often each was delivered; `state` filters (`WAITING` or `REDRIVEN`).")
    public Uni<Page<DeadLetter>> list(@Parameter(description = "`WAITING` or `REDRIVEN`; both when absent")
            @QueryParam("state") @Pattern(regexp = "WAITING|REDRIVEN", message = "must be WAITING or REDRIVEN")
            String state, @Valid @BeanParam PageRequest page) {
        return deadLetters.list(state, page.page(), page.size());
    }

    @GET
    @Path("{id}")
    @RolesAllowed(CurrentUser.ROLE_ADMIN)
    @SecurityRequirement(name = "SecurityScheme", scopes = CurrentUser.ROLE_ADMIN)
    @Operation(summary = "Get one dead letter with its record")
    public Uni<DeadLetter> get(@Parameter(description = ID) @PathParam("id") long id) {
        return deadLetters.get(id);
    }

    @POST
    @Path("{id}/redrive")
    @RolesAllowed(CurrentUser.ROLE_ADMIN)
    @SecurityRequirement(name = "SecurityScheme", scopes = CurrentUser.ROLE_ADMIN)
    @Operation(summary = "Apply a dead letter again", description = "Through the same idempotent consumer: one"
            + " already redriven, or an event applied since, changes nothing.")
    @APIResponse(responseCode = "200", description = "The dead letter, now `REDRIVEN`")
    @APIResponse(responseCode = "409", description = "It still cannot be applied (`still-malformed`); it stays"
            + " `WAITING` with the new reason.")
    public Uni<DeadLetter> redrive(@Parameter(description = ID) @PathParam("id") long id) {
        return deadLetters.redrive(id);
    }

    @POST
    @Path("redrive")
    @RolesAllowed(CurrentUser.ROLE_ADMIN)
    @SecurityRequirement(name = "SecurityScheme", scopes = CurrentUser.ROLE_ADMIN)
    @Operation(summary = "Apply every waiting dead letter again", description = "Oldest first; says how many were"
            + " applied and how many still cannot be.")
    public Uni<RedriveSummary> redriveAll() {
        return deadLetters.redriveAll();
    }
}
