package io.hyperai.execution.proxy;

import org.jboss.logging.Logger;

import io.hyperai.execution.runtime.WorkspaceEndpoint;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.httpproxy.OriginRequestProvider;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyRequest;
import io.vertx.httpproxy.ProxyResponse;

/**
 * One HTTP request on its way to a workspace: where it goes, what it carries there, and the problem it becomes when
 * the workspace fails. One per request, since the endpoint is the request's own.
 */
final class UpstreamExchange implements OriginRequestProvider, ProxyInterceptor {

    private static final Logger LOG = Logger.getLogger(UpstreamExchange.class);

    private final String executionId;
    private final WorkspaceEndpoint endpoint;
    private final ProxyMetrics metrics;
    /** Whether a connection to the workspace was had, i.e. whether the request may have reached it. */
    private boolean connected;

    UpstreamExchange(String executionId, WorkspaceEndpoint endpoint, ProxyMetrics metrics) {
        this.executionId = executionId;
        this.endpoint = endpoint;
        this.metrics = metrics;
    }

    @Override
    public Future<HttpClientRequest> create(ProxyContext context) {
        // the client's future completes once it has a connection, so a failure here means nothing was sent
        return context.client().request(UpstreamHeaders.to(endpoint.address())).onSuccess(request -> {
            connected = true;
            // the failure also fails the response, which becomes a problem; without a handler Vert.x logs an error
            request.exceptionHandler(
                    failure -> LOG.debugf("request to workspace %s failed (%s)", executionId, failure));
        });
    }

    @Override
    public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
        ProxyRequest request = context.request();
        request.setURI(WorkspaceCredentials.withoutQueryToken(
                WorkspacePath.target(request.proxiedRequest().path(), request.proxiedRequest().query())));
        UpstreamHeaders.rewrite(request.headers(), endpoint.token());
        return context.sendRequest().map(response -> {
            metrics.proxied();
            return response;
        }).recover(failure -> {
            // the library would answer a bare 502; ours says what happened as a problem
            LOG.debugf("workspace %s failed a request (%s)", executionId, failure);
            metrics.upstreamFailed();
            return Future.succeededFuture(ProxyProblems.response(context,
                    connected ? ProxyProblems.badGateway() : ProxyProblems.notAnswering()));
        });
    }
}
