package io.hyperai.execution.proxy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A JDK WebSocket client (as a browser or a Jupyter client would open one) that queues whole text messages. */
final class TextWebSocket implements WebSocket.Listener {

    private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;

    static TextWebSocket open(HttpClient http, URI uri, Map<String, String> headers) throws Exception {
        TextWebSocket listener = new TextWebSocket();
        WebSocket.Builder builder = http.newWebSocketBuilder();
        headers.forEach(builder::header);
        listener.socket = builder.buildAsync(uri, listener).get(30, TimeUnit.SECONDS);
        return listener;
    }

    /** The status the handshake was answered with: 101 when it was accepted, -1 when there was no answer. */
    static int handshakeStatus(HttpClient http, URI uri, Map<String, String> headers) throws Exception {
        CompletableFuture<Integer> status = new CompletableFuture<>();
        WebSocket.Builder builder = http.newWebSocketBuilder();
        headers.forEach(builder::header);
        builder.buildAsync(uri, new WebSocket.Listener() {
        }).whenComplete((ws, failure) -> {
            Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
            if (ws != null) {
                ws.abort();
            }
            status.complete(ws != null ? 101
                    : cause instanceof WebSocketHandshakeException h ? h.getResponse().statusCode() : -1);
        });
        return status.get(30, TimeUnit.SECONDS);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            messages.add(partial.toString());
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    void send(String text) throws Exception {
        socket.sendText(text, true).get(30, TimeUnit.SECONDS);
    }

    String next(Duration wait) throws InterruptedException {
        String message = messages.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (message == null) {
            throw new AssertionError("no WebSocket message within " + wait);
        }
        return message;
    }

    String roundTrip(String text) throws Exception {
        send(text);
        return next(Duration.ofSeconds(30));
    }

    void close() throws Exception {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(30, TimeUnit.SECONDS);
    }
}
