package io.hyperai.test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Stands in for another service's {@code /internal} API in a module's tests: programmable answers,
 * delays and outages, and it refuses any call whose bearer token lacks the realm role
 * {@code service} (as the real service would), so the caller's client-credentials flow is tested too.
 * The real services meet each other in the cross-service tests.
 */
public final class StandInService implements AutoCloseable {

    public record Request(String method, String path, String body, Matcher match) {
        public String group(int i) {
            return match.group(i);
        }
    }

    public record Answer(int status, String body, byte[] raw, String contentType) {
        public Answer(int status, String body) {
            this(status, body, null, null);
        }

        public static Answer json(String body) {
            return new Answer(200, body);
        }

        /** A 200 with these bytes as they are (an archive, a file). */
        public static Answer bytes(byte[] raw, String contentType) {
            return new Answer(200, null, raw, contentType);
        }

        /** No answer: the connection is closed as soon as the request is read (an instance going away). */
        public static Answer dropConnection() {
            return new Answer(-1, null);
        }

        public static Answer status(int status) {
            return new Answer(status, status == 404
                    ? "{\"type\":\"urn:hyperai:problem:not-found\",\"title\":\"Not Found\",\"status\":404}"
                    : "{\"status\":" + status + "}");
        }
    }

    private record Route(String method, Pattern pattern, Function<Request, Answer> handler) {
    }

    private final HttpServer server;
    private final List<Route> routes = new CopyOnWriteArrayList<>();
    private final List<Request> received = new CopyOnWriteArrayList<>();
    private final Map<String, Duration> delays = new ConcurrentHashMap<>();
    private volatile boolean failing;

    private StandInService(HttpServer server) {
        this.server = server;
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "stand-in-service");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    public static StandInService start() {
        try {
            return new StandInService(HttpServer.create(new InetSocketAddress("localhost", 0), 0));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String url() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    /** Answers {@code method} on paths matching {@code regex} (groups reach the handler); later routes win. */
    public StandInService on(String method, String regex, Function<Request, Answer> handler) {
        routes.add(0, new Route(method, Pattern.compile(regex), handler));
        return this;
    }

    /** Every answer to paths matching {@code regex} comes this much later (longer than a client timeout: slow). */
    public StandInService delay(String regex, Duration delay) {
        delays.put(regex, delay);
        return this;
    }

    /** While true, every call answers 503 as a failing dependency would. */
    public void failing(boolean failing) {
        this.failing = failing;
    }

    public void reset() {
        routes.clear();
        received.clear();
        delays.clear();
        failing = false;
    }

    public List<Request> received() {
        return List.copyOf(received);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            delays.forEach((regex, delay) -> {
                if (path.matches(regex)) {
                    sleep(delay);
                }
            });
            if (!hasServiceRole(exchange.getRequestHeaders().getFirst("Authorization"))) {
                send(exchange, new Answer(401, "{\"status\":401}"));
                return;
            }
            if (failing) {
                send(exchange, new Answer(503, "{\"status\":503}"));
                return;
            }
            for (Route route : routes) {
                Matcher matcher = route.pattern().matcher(path);
                if (route.method().equals(method) && matcher.matches()) {
                    Request request = new Request(method, path, body, matcher);
                    received.add(request);
                    send(exchange, route.handler().apply(request));
                    return;
                }
            }
            send(exchange, Answer.status(404));
        }
    }

    /** Reads the token's payload (the signature was checked by the provider that issued it to the caller). */
    static boolean hasServiceRole(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return false;
        }
        String[] parts = authorization.substring(7).split("\\.");
        if (parts.length < 2) {
            return false;
        }
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        return payload.matches("(?s).*\"realm_access\"\\s*:\\s*\\{\\s*\"roles\"\\s*:\\s*\\[[^]]*\"service\".*");
    }

    private static void send(HttpExchange exchange, Answer answer) throws IOException {
        if (answer.status() < 0) {
            return; // closing an exchange whose headers were never sent closes its connection
        }
        byte[] bytes = answer.raw() != null ? answer.raw()
                : answer.body() == null ? new byte[0] : answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", answer.contentType() != null ? answer.contentType()
                : answer.status() >= 400 ? "application/problem+json" : "application/json");
        exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
