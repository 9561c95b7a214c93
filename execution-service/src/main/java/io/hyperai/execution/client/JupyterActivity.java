package io.hyperai.execution.client;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.hyperai.execution.proxy.UpstreamHeaders;
import io.hyperai.execution.runtime.WorkspaceEndpoint;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What a workspace's Jupyter server says of its own use: whether a kernel is busy (a long cell is use, however long
 * it runs) and when its kernels and terminals were last active. Only kernels and terminals are read, never
 * {@code /api/status}: its {@code last_activity} counts API calls, these included. The answer comes from user code,
 * so it is bounded (size, time) and a workspace that lies about being busy only keeps paying for itself.
 */
@ApplicationScoped
public class JupyterActivity {

    /** A reading: busy, or the last activity it reports (empty: nothing reported one). */
    public record Reading(boolean busy, Optional<Instant> lastActivity) {
    }

    static final int MAX_BODY = 256 * 1024;
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient client;
    // every exchange runs on this one context: the body's handler must be set in the same turn of the event loop as
    // the response arrives, and a listener called from elsewhere (a caller off the event loop) comes a turn late,
    // when a small answer has already ended unread
    private final Context context;

    public JupyterActivity(Vertx vertx) {
        this.client = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(4)
                .setConnectTimeout((int) TIMEOUT.toMillis()));
        this.context = vertx.getOrCreateContext();
    }

    @PreDestroy
    void close() {
        client.close();
    }

    public Uni<Reading> read(String executionId, WorkspaceEndpoint endpoint) {
        String base = "/executions/" + executionId + "/api/";
        return get(endpoint, base + "kernels").chain(kernels -> get(endpoint, base + "terminals")
                // a server without terminals says 404: its kernels are all there is
                .onFailure().recoverWithItem(new JsonArray())
                .map(terminals -> reading(kernels, terminals)));
    }

    static Reading reading(JsonArray kernels, JsonArray terminals) {
        boolean busy = false;
        Instant last = null;
        for (Object k : kernels) {
            if (k instanceof JsonObject kernel) {
                String state = kernel.getString("execution_state", "");
                busy |= state.equals("busy") || state.equals("starting");
                last = later(last, kernel.getValue("last_activity"));
            }
        }
        for (Object t : terminals) {
            if (t instanceof JsonObject terminal) {
                last = later(last, terminal.getValue("last_activity"));
            }
        }
        return new Reading(busy, Optional.ofNullable(last));
    }

    private static Instant later(Instant so, Object value) {
        if (!(value instanceof String text)) {
            return so;
        }
        try {
            Instant at = Instant.parse(text);
            return so == null || at.isAfter(so) ? at : so;
        } catch (DateTimeParseException unreadable) {
            return so;
        }
    }

    private Uni<JsonArray> get(WorkspaceEndpoint endpoint, String uri) {
        Promise<Buffer> body = Promise.promise();
        context.runOnContext(v -> exchange(endpoint, uri).onComplete(body));
        return Uni.createFrom().completionStage(body.future().toCompletionStage()).ifNoItem().after(TIMEOUT).fail()
                .map(b -> new JsonArray(b));
    }

    private Future<Buffer> exchange(WorkspaceEndpoint endpoint, String uri) {
        return client.request(UpstreamHeaders.to(endpoint.address()).setURI(uri)
                .putHeader(HttpHeaders.AUTHORIZATION, "token " + endpoint.token()))
                .compose(request -> request.send())
                .compose(response -> {
                    if (response.statusCode() != 200) {
                        response.request().reset();
                        return Future.failedFuture(new IOException("Jupyter answered " + response.statusCode()));
                    }
                    Promise<Buffer> bounded = Promise.promise();
                    Buffer buffer = Buffer.buffer();
                    response.handler(chunk -> {
                        if (buffer.length() + chunk.length() > MAX_BODY) {
                            bounded.tryFail(new IOException("Jupyter's answer exceeds " + MAX_BODY + " bytes"));
                            response.request().reset();
                        } else {
                            buffer.appendBuffer(chunk);
                        }
                    });
                    response.exceptionHandler(bounded::tryFail);
                    response.endHandler(done -> bounded.tryComplete(buffer));
                    return bounded.future();
                });
    }
}
