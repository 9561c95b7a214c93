package io.hyperai.common.it;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/** Stands for any {@code /internal} endpoint: only the role {@code service} may call it. */
@Path("/internal/widgets")
@RolesAllowed("service")
public class InternalWidgetResource {
    @GET
    public String ping() {
        return "internal";
    }
}
