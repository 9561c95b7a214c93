package io.hyperai.execution.rest;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * {@code GET /api/v1/notifications} is the list unless the caller asks for the stream by name: the server does not
 * weigh the two methods' media types for {@code Accept: *}{@code /*} (or none) and would pick the endless stream.
 */
public class NotificationsAccept {

    @ServerRequestFilter(preMatching = true)
    public void listUnlessStreamAsked(ContainerRequestContext request) {
        if (!request.getUriInfo().getPath().equals("/api/v1/notifications")) {
            return;
        }
        String accept = request.getHeaderString(HttpHeaders.ACCEPT);
        if (accept == null || !accept.contains(MediaType.SERVER_SENT_EVENTS)) {
            request.getHeaders().putSingle(HttpHeaders.ACCEPT, MediaType.APPLICATION_JSON);
        }
    }
}
