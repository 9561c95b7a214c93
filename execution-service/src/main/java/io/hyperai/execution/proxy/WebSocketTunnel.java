package io.hyperai.execution.proxy;

import java.util.Map;

import org.jboss.logging.Logger;

import io.hyperai.execution.runtime.WorkspaceEndpoint;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.NetSocket;

/**
 * A WebSocket to a workspace (Jupyter's kernel channels), relayed byte for byte once the workspace has accepted the
 * upgrade, so subprotocols and extensions are the two ends' business. vertx-http-proxy 4.5 tunnels upgrades too, but
 * sends the user's URI and headers as they came (its interceptors do not run for upgrades), which would carry the
 * token in the query and the proxy's cookie to the workspace; this does what it does, with the request rewritten.
 * Quarkus without a WebSocket extension turns Vert.x's own WebSocket handling off ({@code vertx.disableWebsockets}),
 * so an upgrade reaches the route as a plain request, and {@code toNetSocket()} takes its connection over.
 */
final class WebSocketTunnel {

    private static final Logger LOG = Logger.getLogger(WebSocketTunnel.class);

    private WebSocketTunnel() {
    }

    static boolean isUpgrade(HttpServerRequest request) {
        String upgrade = request.getHeader(HttpHeaders.UPGRADE);
        return request.method() == HttpMethod.GET && request.version() == HttpVersion.HTTP_1_1
                && upgrade != null && upgrade.equalsIgnoreCase("websocket");
    }

    static void open(HttpServerRequest request, HttpClient client, String executionId, WorkspaceEndpoint endpoint,
            ProxyMetrics metrics) {
        boolean[] connected = { false };
        client.request(UpstreamHeaders.to(endpoint.address()).setMethod(HttpMethod.GET)
                .setURI(WorkspaceCredentials.withoutQueryToken(WorkspacePath.target(request.path(), request.query()))))
                .compose(upstream -> {
                    connected[0] = true;
                    upstream.exceptionHandler(failure -> LOG.debugf("WebSocket upgrade to workspace %s failed (%s)",
                            executionId, failure));
                    copyHeaders(request, upstream);
                    UpstreamHeaders.rewrite(upstream.headers(), endpoint.token());
                    return upstream.connect();
                })
                .onComplete(result -> {
                    if (result.failed()) {
                        LOG.debugf("workspace %s failed a WebSocket upgrade (%s)", executionId, result.cause());
                        metrics.upstreamFailed();
                        ProxyProblems.send(request,
                                connected[0] ? ProxyProblems.badGateway() : ProxyProblems.notAnswering());
                    } else if (result.result().statusCode() != 101) {
                        metrics.proxied();
                        refused(request, result.result());
                    } else {
                        metrics.tunnelled();
                        relay(request, result.result());
                    }
                });
    }

    private static void copyHeaders(HttpServerRequest request, HttpClientRequest upstream) {
        for (Map.Entry<String, String> header : request.headers()) {
            if (!header.getKey().equalsIgnoreCase(HttpHeaders.HOST.toString())
                    && !header.getKey().equalsIgnoreCase(HttpHeaders.CONNECTION.toString())) {
                upstream.headers().add(header.getKey(), header.getValue());
            }
        }
        // Firefox sends "keep-alive, Upgrade"; the upstream gets the plain form
        upstream.headers().set(HttpHeaders.CONNECTION, HttpHeaders.UPGRADE);
    }

    /** The workspace said no (an unknown kernel, say): the user gets its answer. */
    private static void refused(HttpServerRequest request, HttpClientResponse answer) {
        answer.body().onComplete(body -> {
            HttpServerResponse response = request.response().setStatusCode(answer.statusCode());
            String type = answer.getHeader(HttpHeaders.CONTENT_TYPE);
            if (type != null) {
                response.putHeader(HttpHeaders.CONTENT_TYPE, type);
            }
            if (body.succeeded()) {
                response.end(body.result());
            } else {
                response.end();
            }
        });
    }

    private static void relay(HttpServerRequest request, HttpClientResponse accepted) {
        HttpServerResponse response = request.response().setStatusCode(101);
        response.headers().addAll(accepted.headers());
        NetSocket upstream = accepted.netSocket();
        request.toNetSocket().onComplete(socket -> {
            if (socket.failed()) {
                LOG.debugf("the user's side of a WebSocket went away before it was relayed (%s)", socket.cause());
                upstream.close();
                return;
            }
            NetSocket user = socket.result();
            // pipes pass back-pressure on and end the other side when one ends
            user.pipeTo(upstream);
            upstream.pipeTo(user);
            user.closeHandler(v -> upstream.close());
            upstream.closeHandler(v -> user.close());
        });
    }
}
