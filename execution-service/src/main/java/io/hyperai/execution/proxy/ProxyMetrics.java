package io.hyperai.execution.proxy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** {@code hyperai_workspace_proxy_requests_total{outcome}}: what became of the requests to workspaces. */
final class ProxyMetrics {

    private final Counter proxied;
    private final Counter tunnelled;
    private final Counter redirected;
    private final Counter refused;
    private final Counter upstreamFailed;

    ProxyMetrics(MeterRegistry registry) {
        proxied = counter(registry, "proxied");
        tunnelled = counter(registry, "websocket");
        redirected = counter(registry, "redirected");
        refused = counter(registry, "refused");
        upstreamFailed = counter(registry, "upstream-failed");
    }

    private static Counter counter(MeterRegistry registry, String outcome) {
        return Counter.builder("hyperai.workspace.proxy.requests").tag("outcome", outcome)
                .description("Requests to workspaces through the proxy, by outcome").register(registry);
    }

    /** Answered by the workspace (whatever its status). */
    void proxied() {
        proxied.increment();
    }

    /** A WebSocket the workspace accepted. */
    void tunnelled() {
        tunnelled.increment();
    }

    /** A first visit with the token in the query, sent on with the cookie. */
    void redirected() {
        redirected.increment();
    }

    /** No workspace, or not the right token, or a cross-origin use of the cookie. */
    void refused() {
        refused.increment();
    }

    /** The workspace could not be reached or did not answer. */
    void upstreamFailed() {
        upstreamFailed.increment();
    }
}
