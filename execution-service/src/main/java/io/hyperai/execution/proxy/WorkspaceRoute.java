package io.hyperai.execution.proxy;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;

/**
 * Puts the workspace proxy on the service's own HTTP server, as a plain Vert.x route: outside JAX-RS, so the OIDC
 * permissions (which apply to JAX-RS only) leave it to the proxy's own token check, and the OpenAPI document does not
 * list it.
 */
@ApplicationScoped
public class WorkspaceRoute {

    private static final Logger LOG = Logger.getLogger(WorkspaceRoute.class);

    private final WorkspaceProxy proxy;
    private final Vertx vertx;

    public WorkspaceRoute(WorkspaceProxy proxy, Vertx vertx) {
        this.proxy = proxy;
        this.vertx = vertx;
    }

    public void register(@Observes Router router) {
        if (!vertx.isNativeTransportEnabled()) {
            Throwable cause = vertx.unavailableNativeTransportCause();
            LOG.warnf("Vert.x runs without its native transport (%s): workspaces listening on Unix domain sockets, as "
                    + "the local runtime's do, cannot be reached, and requests to them are answered 503",
                    cause == null ? "quarkus.vertx.prefer-native-transport is off" : cause.toString());
        }
        router.routeWithRegex(WorkspacePath.ROUTE)
                .method(HttpMethod.GET).method(HttpMethod.HEAD).method(HttpMethod.POST).method(HttpMethod.PUT)
                .method(HttpMethod.PATCH).method(HttpMethod.DELETE)
                .handler(proxy);
    }
}
