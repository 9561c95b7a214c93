package io.hyperai.storage.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Path;

import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.hyperai.common.inbox.DeadLetters;
import io.hyperai.common.rest.DeadLetterResource;
import io.hyperai.common.security.CurrentUser;

/** The events storage-service's consumers could not apply: see {@link DeadLetterResource}. */
@Path("/api/v1/admin/storage-service/dead-letters")
@RolesAllowed(CurrentUser.ROLE_ADMIN)
@Tag(name = "Dead letters", description = "Events this service could not apply, to read and redrive (role `admin`).")
public class DeadLetterAdminResource extends DeadLetterResource {

    public DeadLetterAdminResource(DeadLetters deadLetters) {
        super(deadLetters);
    }
}
