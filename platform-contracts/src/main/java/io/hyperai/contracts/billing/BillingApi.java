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

    /**
     * May this user start an execution? Only with a balance above zero, not used up, and their monthly spending cap not
     * reached; {@code refusal} says which of these refused it.
     */
    @GET
    @Path("admission/{userId}")
    @Operation(summary = "May this user start an execution (balance above zero and not used up, monthly cap not reached)?")
    Uni<BillingAdmission> admission(@Parameter(description = "The user") @PathParam("userId") String userId);

    /**
     * Which of these users may no longer run anything (balance at or below zero, or used up by the running charges),
     * which have reached their monthly spending cap, and which running executions of theirs reached their own cap:
     * execution-service asks on every pass and stops them, so a lost {@code billing.balance.exhausted} or
     * {@code billing.cap.reached} costs at most one pass.
     */
    @POST
    @Path("exhausted")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Which of these users have used up their balance or reached a spending cap")
    Uni<ExhaustedUsers> exhausted(@Valid @NotNull UsersRequest query);

    /** {@code refusal}: null when allowed, else {@link #BALANCE_EXHAUSTED} or {@link #SPENDING_CAP_REACHED}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record BillingAdmission(String userId, long balanceMinor, String currency, boolean allowed, String refusal) {
        public static final String BALANCE_EXHAUSTED = "balance-exhausted";
        public static final String SPENDING_CAP_REACHED = "spending-cap-reached";
    }

    record UsersRequest(@NotNull @Size(max = 1000) List<@NotBlank @Size(max = 200) String> userIds) {
    }

    /**
     * {@code userIds}: used up (stop with BALANCE_EXHAUSTED); {@code cappedUserIds}: this month's cap reached (stop
     * with SPENDING_CAP); {@code cappedExecutionIds}: executions whose own cap is reached (stop those alone).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record ExhaustedUsers(List<String> userIds, List<String> cappedUserIds, List<String> cappedExecutionIds) {
    }
}
