package io.hyperai.execution.proxy;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;

/**
 * A stand-in for a workspace's Jupyter: an HTTP server on a Unix domain socket that answers every request with what
 * it received, echoes WebSocket messages, and drops the connection on {@code .../drop}. It keeps what reached it.
 */
final class EchoWorkspace implements AutoCloseable {

    /** What reached the workspace: method, URI (path and query) and headers. */
    record Received(String method, String uri, MultiMap headers) {
    }

    final List<Received> received = new CopyOnWriteArrayList<>();
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));

    EchoWorkspace(Path socket) {
        ProxyFixture.await(vertx.createHttpServer()
                .requestHandler(this::answer)
                .listen(SocketAddress.domainSocketAddress(socket.toString())));
    }

    private void answer(HttpServerRequest request) {
        boolean upgrade = "websocket".equalsIgnoreCase(request.getHeader("Upgrade"));
        received.add(new Received(upgrade ? "WEBSOCKET" : request.method().name(), request.uri(),
                MultiMap.caseInsensitiveMultiMap().addAll(request.headers())));
        if (upgrade) {
            // upgraded here rather than by a webSocketHandler: a Quarkus test earlier in the JVM sets
            // vertx.disableWebsockets, which keeps upgrades from such handlers for good
            request.toWebSocket().onSuccess(ws -> ws.textMessageHandler(ws::writeTextMessage));
            return;
        }
        if (request.path().endsWith("/drop")) {
            request.connection().close();
            return;
        }
        request.body().onSuccess(body -> request.response().putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("method", request.method().name()).put("uri", request.uri())
                        .put("length", body.length()).put("sha256", sha256(body)).encode()));
    }

    static String sha256(Buffer body) {
        return sha256(body.getBytes());
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        ProxyFixture.await(vertx.close());
    }
}
