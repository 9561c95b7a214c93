package io.hyperai.storage.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.hyperai.common.problem.ProblemException;
import io.hyperai.common.security.CurrentUser;
import io.hyperai.storage.mapping.AccountView;
import io.hyperai.storage.mapping.QuotaRequest;
import io.hyperai.storage.service.StorageService;
import io.smallrye.mutiny.Uni;

/** Admins set and read any user's quota; setting one may block or unblock the user. */
@Path("/api/v1/storage/quotas")
@RolesAllowed(CurrentUser.ROLE_ADMIN)
@Tag(name = "Storage quotas", description = "Admins set and read any user's quota (role `admin`).")
public class QuotaAdminResource {

    private static final String USER_ID = "The user (the subject of their tokens)";
    private static final String ACCOUNT = "The user's quota, usage and whether they are blocked";
    private static final String BAD_USER_ID = "`userId` is blank, longer than 200 characters or has control"
            + " characters.";

    private final StorageService storage;

    public QuotaAdminResource(StorageService storage) {
        this.storage = storage;
    }

    @Consumes(MediaType.APPLICATION_JSON)
    @PUT
    @Path("{userId}")
    @Operation(summary = "Set a user's quota", description = "Blocks the user when their usage is over it, unblocks"
            + " them when it no longer is.")
    @APIResponse(responseCode = "200", description = ACCOUNT, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = AccountView.class)))
    @APIResponse(responseCode = "400", description = BAD_USER_ID)
    public Uni<AccountView> set(@Parameter(description = USER_ID) @PathParam("userId") String userId,
            @RequestBody(content = @Content(examples = @ExampleObject(name = "100-gib",
                    value = "{\"quotaBytes\": 107374182400}"))) @Valid @NotNull QuotaRequest request) {
        return storage.setQuota(checked(userId), request.quotaBytes());
    }

    @GET
    @Path("{userId}")
    @Operation(summary = "Get a user's quota and usage")
    @APIResponse(responseCode = "200", description = ACCOUNT, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = AccountView.class)))
    @APIResponse(responseCode = "400", description = BAD_USER_ID)
    public Uni<AccountView> get(@Parameter(description = USER_ID) @PathParam("userId") String userId) {
        return storage.admission(checked(userId));
    }

    private static String checked(String userId) {
        if (userId.isBlank() || userId.length() > 200 || userId.chars().anyMatch(Character::isISOControl)) {
            throw ProblemException.invalid("userId", "must be 1 to 200 characters without control characters");
        }
        return userId;
    }
}
