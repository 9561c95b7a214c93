package io.hyperai.contracts.billing;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import io.smallrye.mutiny.Uni;

/** billing-service for the execution service. */
@Path("/internal/billing")
@Produces(MediaType.APPLICATION_JSON)
public interface BillingApi {

    /** May this user start an execution? Only with a balance above zero. */
    @GET
    @Path("admission/{userId}")
    @Operation(summary = "May this user start an execution (is their balance above zero and not used up)?")
    Uni<BillingAdmission> admission(@Parameter(description = "The user") @PathParam("userId") String userId);

    /**
     * Which of these users may no longer run anything (balance at or below zero, or used up by the running charges):
     * execution-service asks on every pass and stops their executions, so a lost {@code billing.balance.exhausted}
     * costs at most one pass.
     */
    @POST
    @Path("exhausted")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Which of these users have used up their balance")
    Uni<ExhaustedUsers> exhausted(@Valid @NotNull UsersRequest query);

    @JsonIgnoreProperties(ignoreUnknown = true)
    record BillingAdmission(String userId, long balanceMinor, String currency, boolean allowed) {
    }

    record UsersRequest(@NotNull @Size(max = 1000) List<@NotBlank @Size(max = 200) String> userIds) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record ExhaustedUsers(List<String> userIds) {
    }
}
