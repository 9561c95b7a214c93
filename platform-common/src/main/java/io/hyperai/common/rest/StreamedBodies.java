package io.hyperai.common.rest;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.vertx.ext.web.RoutingContext;

/** Makes the {@link StreamedBody} of a request, waiting for its bytes as long as the HTTP server would. */
@ApplicationScoped
public class StreamedBodies {

    private final Duration readTimeout;

    public StreamedBodies(
            @ConfigProperty(name = "quarkus.http.read-timeout", defaultValue = "60s") Duration readTimeout) {
        this.readTimeout = readTimeout;
    }

    /** The body of {@code request}; on the event loop, before anything else reads it. */
    public StreamedBody of(RoutingContext request) {
        return new StreamedBody(request, readTimeout);
    }
}
