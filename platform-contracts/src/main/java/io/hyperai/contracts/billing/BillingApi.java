package io.hyperai.contracts.billing;

import jakarta.ws.rs.GET;
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

    @JsonIgnoreProperties(ignoreUnknown = true)
    record BillingAdmission(String userId, long balanceMinor, String currency, boolean allowed) {
    }
}
