package io.hyperai.execution.proxy;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.hyperai.common.problem.ProblemException;
import io.hyperai.execution.runtime.ExecutionRuntime;
import io.hyperai.execution.runtime.WorkspaceEndpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyOptions;

/**
 * The only way to a workspace: {@code /executions/<id>/...} on this service, proxied to the Jupyter server the
 * runtime names ({@link ExecutionRuntime#workspaceEndpoint}), for whoever shows its token. Everyone else gets the 404
 * an unknown execution gets.
 */
@ApplicationScoped
public class WorkspaceProxy implements Handler<RoutingContext> {

    /** Compared against when there is no workspace, so that a refusal takes as long either way. */
    private static final String NO_TOKEN = "no workspace has this token";

    private final Vertx vertx;
    private final ExecutionRuntime runtime;
    private final HttpClient client;
    private final ProxyMetrics metrics;
    private final WorkspaceActivity activity;
    /** Empty where this instance's runtime names every workspace there is. */
    private final Optional<RecordedWorkspaces> recorded;

    public WorkspaceProxy(Vertx vertx, ExecutionRuntime runtime, MeterRegistry registry) {
        this(vertx, runtime, registry, new WorkspaceActivity(), Optional.empty());
    }

    @Inject
    public WorkspaceProxy(Vertx vertx, ExecutionRuntime runtime, MeterRegistry registry, WorkspaceActivity activity,
            RecordedWorkspaces recorded) {
        this(vertx, runtime, registry, activity, Optional.of(recorded).filter(RecordedWorkspaces::elsewhere));
    }

    WorkspaceProxy(Vertx vertx, ExecutionRuntime runtime, MeterRegistry registry, WorkspaceActivity activity,
            Optional<RecordedWorkspaces> recorded) {
        this.vertx = vertx;
        this.runtime = runtime;
        this.activity = activity;
        this.recorded = recorded;
        this.metrics = new ProxyMetrics(registry);
        // a Jupyter page loads dozens of files over the browser's six connections, and a user may have several tabs
        this.client = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(16));
    }

    @Override
    public void handle(RoutingContext context) {
        handle(context.request());
    }

    void handle(HttpServerRequest request) {
        String executionId = WorkspacePath.executionId(request.path());
        // runs on the event loop: the runtime answers from memory
        Optional<WorkspaceEndpoint> own = executionId == null ? Optional.empty()
                : runtime.workspaceEndpoint(executionId);
        if (own.isPresent() || executionId == null || recorded.isEmpty()) {
            handle(request, executionId, own);
            return;
        }
        // a workspace another instance runs (the local runtime's leader): its token as recorded, read without blocking
        // paused meanwhile, so no body is lost; resumed as it was, since what follows pauses it where it needs to
        request.pause();
        recorded.get().token(executionId).subscribe().with(token -> {
            request.resume();
            handle(request, executionId, token.flatMap(t -> runtime.workspaceEndpoint(executionId, t)));
        }, failure -> {
            request.resume();
            metrics.upstreamFailed();
            ProxyProblems.send(request, ProxyProblems.notAnswering());
        });
    }

    private void handle(HttpServerRequest request, String executionId, Optional<WorkspaceEndpoint> found) {
        Optional<WorkspaceEndpoint> endpoint = found.filter(e -> e.token() != null && !e.token().isBlank());
        Optional<WorkspaceCredentials> credentials = WorkspaceCredentials.of(request);
        String token = endpoint.map(WorkspaceEndpoint::token).orElse(NO_TOKEN);
        boolean proven = credentials.isPresent() && credentials.get().prove(String.valueOf(executionId), token);
        if (endpoint.isEmpty() || !proven) {
            refuse(request, ProxyProblems.notFound(executionId == null ? "?" : executionId));
            return;
        }
        activity.touch(executionId);
        WorkspaceCredentials.Source source = credentials.get().source();
        boolean upgrade = WebSocketTunnel.isUpgrade(request);
        if (source == WorkspaceCredentials.Source.COOKIE && (upgrade || changesState(request.method()))
                && !sameOrigin(request)) {
            refuse(request, ProxyProblems.crossOrigin());
            return;
        }
        if (source == WorkspaceCredentials.Source.QUERY && !upgrade
                && (request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD)) {
            enter(request, executionId, token);
            return;
        }
        if (endpoint.get().address().isDomainSocket() && !vertx.isNativeTransportEnabled()) {
            metrics.upstreamFailed();
            ProxyProblems.send(request, ProxyProblems.noNativeTransport());
            return;
        }
        if (endpoint.get().address().isDomainSocket()
                && !java.nio.file.Files.exists(java.nio.file.Path.of(endpoint.get().address().path()))) {
            // not listening (yet, or any more): said at once, since a failed connect can also surface as the
            // library's own 502 depending on timing
            metrics.upstreamFailed();
            ProxyProblems.send(request, ProxyProblems.notAnswering());
            return;
        }
        if (upgrade) {
            WebSocketTunnel.open(request, client, executionId, endpoint.get(), metrics);
            return;
        }
        UpstreamExchange exchange = new UpstreamExchange(executionId, endpoint.get(), metrics);
        HttpProxy.reverseProxy(new ProxyOptions().setSupportWebSocket(false), client)
                .origin(exchange)
                .addInterceptor(exchange)
                .handle(request);
    }

    /**
     * A first visit ({@code ?token=} from the workspace URL): the same page without the token, which leaves the
     * address bar, history and access logs, and the cookie that stands in for it from now on.
     */
    private void enter(HttpServerRequest request, String executionId, String token) {
        metrics.redirected();
        boolean secure = request.isSSL() || "https".equalsIgnoreCase(request.getHeader("X-Forwarded-Proto"));
        request.response().setStatusCode(303)
                .putHeader(HttpHeaders.LOCATION,
                        WorkspaceCredentials.withoutQueryToken(WorkspacePath.target(request.path(), request.query())))
                .putHeader(HttpHeaders.SET_COOKIE, WorkspaceCookie.setCookie(executionId, token, secure))
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .end();
    }

    private void refuse(HttpServerRequest request, ProblemException problem) {
        metrics.refused();
        ProxyProblems.send(request, problem);
    }

    private static boolean changesState(HttpMethod method) {
        return method != HttpMethod.GET && method != HttpMethod.HEAD;
    }

    /**
     * Whether the request's Origin, when it has one, is this service as the user reached it (Origin against Host, as
     * Jupyter compares them). Jupyter skips this check, and its XSRF check, for token-authenticated requests, and every
     * request reaches it with the token; so the proxy checks where a cookie-carrying request comes from.
     */
    private static boolean sameOrigin(HttpServerRequest request) {
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        if (origin == null) {
            return true;
        }
        HostAndPort authority = request.authority();
        try {
            String originAuthority = new URI(origin).getRawAuthority();
            return authority != null && originAuthority != null
                    && originAuthority.equalsIgnoreCase(authority.toString());
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
