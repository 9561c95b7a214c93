package io.hyperai.execution.proxy;

import java.net.URI;
import java.util.concurrent.TimeUnit;

import io.hyperai.execution.runtime.WorkspaceEndpoint;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;

/**
 * The workspace proxy as the service runs it (its route on a Vert.x router, on a Vert.x with the native transport),
 * on a random loopback port, without booting Quarkus. The runtime in front of it knows the workspaces a test names.
 */
final class ProxyFixture implements AutoCloseable {

    final Vertx vertx;
    final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final StandInRuntime runtime = new StandInRuntime();
    private final HttpServer server;

    private ProxyFixture(boolean nativeTransport) {
        vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(nativeTransport));
        Router router = Router.router(vertx);
        new WorkspaceRoute(new WorkspaceProxy(vertx, runtime, metrics), vertx).register(router);
        server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    }

    static ProxyFixture start() {
        return new ProxyFixture(true);
    }

    static ProxyFixture withoutNativeTransport() {
        return new ProxyFixture(false);
    }

    void workspace(String executionId, WorkspaceEndpoint endpoint) {
        runtime.workspace(executionId, endpoint);
    }

    void ended(String executionId) {
        runtime.ended(executionId);
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.actualPort() + pathAndQuery);
    }

    URI ws(String pathAndQuery) {
        return URI.create("ws://127.0.0.1:" + server.actualPort() + pathAndQuery);
    }

    /** What a browser on the service's page sends as Origin. */
    String origin() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    double count(String outcome) {
        return metrics.get("hyperai.workspace.proxy.requests").tag("outcome", outcome).counter().count();
    }

    static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        await(vertx.close());
    }
}
