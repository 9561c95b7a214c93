package io.hyperai.common.it;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Path;

import io.hyperai.common.inbox.DeadLetters;
import io.hyperai.common.rest.DeadLetterResource;
import io.hyperai.common.security.CurrentUser;

/** The test application's dead letters, where a service gives its own path. */
@Path("/api/v1/admin/outbox-test/dead-letters")
@RolesAllowed(CurrentUser.ROLE_ADMIN)
public class WidgetDeadLetters extends DeadLetterResource {

    public WidgetDeadLetters(DeadLetters deadLetters) {
        super(deadLetters);
    }
}
