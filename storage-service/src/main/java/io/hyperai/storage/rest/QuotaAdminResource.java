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

import io.hyperai.common.problem.ProblemException;
import io.hyperai.common.security.CurrentUser;
import io.hyperai.storage.mapping.AccountView;
import io.hyperai.storage.mapping.QuotaRequest;
import io.hyperai.storage.service.StorageService;
import io.smallrye.mutiny.Uni;

/** Admins set and read any user's quota; setting one may block or unblock the user. */
@Path("/api/v1/storage/quotas")
@RolesAllowed(CurrentUser.ROLE_ADMIN)
public class QuotaAdminResource {

    private final StorageService storage;

    public QuotaAdminResource(StorageService storage) {
        this.storage = storage;
    }

    @Consumes(MediaType.APPLICATION_JSON)
    @PUT
    @Path("{userId}")
    public Uni<AccountView> set(@PathParam("userId") String userId, @Valid @NotNull QuotaRequest request) {
        return storage.setQuota(checked(userId), request.quotaBytes());
    }

    @GET
    @Path("{userId}")
    public Uni<AccountView> get(@PathParam("userId") String userId) {
        return storage.admission(checked(userId));
    }

    private static String checked(String userId) {
        if (userId.isBlank() || userId.length() > 200 || userId.chars().anyMatch(Character::isISOControl)) {
            throw ProblemException.invalid("userId", "must be 1 to 200 characters without control characters");
        }
        return userId;
    }
}
