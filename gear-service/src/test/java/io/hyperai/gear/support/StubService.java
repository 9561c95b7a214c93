package io.hyperai.gear.support;

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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Stands in for one other service's {@code /internal} API: answers what a test programs (JSON by
 * path, a computed fallback, 404 problem otherwise), can be slow or down, and refuses any call whose
 * bearer token does not carry realm role {@code service}, remembering it so tests can assert that
 * gear-service always sent its client-credentials token.
 */
public final class StubService {

    public record Answer(int status, String json) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final List<String> refusedTokens = new CopyOnWriteArrayList<>();
    private final List<String> subjects = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile Function<String, Answer> fallback = path -> null;
    private volatile Duration delay = Duration.ZERO;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "stub-service");
        t.setDaemon(true);
        return t;
    });
    private HttpServer server;
    private int port;

    StubService(String name) {
        this.name = name;
    }

    synchronized void start() {
        try {
            server = HttpServer.create(new InetSocketAddress("localhost", port), 50);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the " + name + " stub on port " + port, e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
        port = server.getAddress().getPort();
    }

    public String url() {
        return "http://localhost:" + port;
    }

    /** Connection refused from now on, as when the service is not running. */
    public synchronized void down() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    public synchronized void up() {
        if (server == null) {
            start();
        }
    }

    public void delay(Duration delay) {
        this.delay = delay;
    }

    public void answer(String path, int status, String json) {
        answers.put(path, new Answer(status, json));
    }

    public void fallback(Function<String, Answer> fallback) {
        this.fallback = fallback;
    }

    public int requests() {
        return requests.get();
    }

    public List<String> refusedTokens() {
        return List.copyOf(refusedTokens);
    }

    /** The token subjects of the calls it accepted. */
    public List<String> subjects() {
        return List.copyOf(subjects);
    }

    /** Back to answering promptly with nothing programmed. */
    public void reset() {
        up();
        answers.clear();
        fallback = path -> null;
        delay = Duration.ZERO;
        requests.set(0);
        refusedTokens.clear();
        subjects.clear();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.incrementAndGet();
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            String subject = serviceSubject(auth);
            if (subject == null) {
                refusedTokens.add(String.valueOf(auth));
                respond(exchange, auth == null ? 401 : 403, problem(auth == null ? 401 : 403));
                return;
            }
            subjects.add(subject);
            Duration wait = delay;
            if (!wait.isZero()) {
                try {
                    Thread.sleep(wait.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            String path = exchange.getRequestURI().getPath();
            Answer answer = answers.get(path);
            if (answer == null) {
                answer = fallback.apply(path);
            }
            if (answer == null) {
                answer = new Answer(404, problem(404));
            }
            respond(exchange, answer.status(), answer.json());
        } catch (IOException e) {
            // the caller gave up (its timeout); nothing to answer
        }
    }

    /** The subject of a bearer token whose payload lists realm role {@code service}, else null. */
    static String serviceSubject(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return null;
        }
        String[] parts = authorization.substring(7).split("\\.");
        if (parts.length != 3) {
            return null;
        }
        try {
            JsonNode payload = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            for (JsonNode role : payload.path("realm_access").path("roles")) {
                if ("service".equals(role.asText())) {
                    return payload.path("sub").asText();
                }
            }
            return null;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    private static String problem(int status) {
        return "{\"type\":\"urn:hyperai:problem:stub\",\"title\":\"stub\",\"status\":" + status + "}";
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type",
                status >= 400 ? "application/problem+json" : "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
