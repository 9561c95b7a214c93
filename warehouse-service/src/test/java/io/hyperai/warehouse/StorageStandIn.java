package io.hyperai.warehouse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Stands in for storage-service's internal API: admission and reservations with per-user quotas, and
 * modes in which it is down (port closed), failing (503) or slow. Like the real one it wants a bearer
 * token with role {@code service}, and counts calls that came without one.
 */
public final class StorageStandIn {

    public enum Mode {
        UP, FAILING, SLOW, DOWN
    }

    public record Reservation(String id, String userId, long bytes) {
    }

    public static final long DEFAULT_QUOTA = 1L << 40;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static volatile StorageStandIn current;

    private final int port;
    private final ExecutorService executor = Executors.newFixedThreadPool(8, r -> {
        Thread t = new Thread(r, "storage-stand-in");
        t.setDaemon(true);
        return t;
    });
    private HttpServer server;
    private volatile Mode mode = Mode.UP;
    private final Map<String, Long> quotas = new ConcurrentHashMap<>();
    private final Set<String> blocked = ConcurrentHashMap.newKeySet();
    private final Set<String> refusing = ConcurrentHashMap.newKeySet();
    private final Map<String, Reservation> reservations = new ConcurrentHashMap<>();
    private final Map<String, Reservation> granted = new ConcurrentHashMap<>();
    private final Set<String> released = ConcurrentHashMap.newKeySet();
    private final AtomicInteger unauthorised = new AtomicInteger();

    private StorageStandIn(int port) {
        this.port = port;
    }

    public static synchronized StorageStandIn start() {
        if (current == null) {
            StorageStandIn standIn = new StorageStandIn(0);
            standIn.listen(0);
            current = standIn;
        }
        return current;
    }

    public static StorageStandIn current() {
        return start();
    }

    public String url() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    private synchronized void listen(int at) {
        try {
            server = HttpServer.create(new InetSocketAddress("localhost", at), 50);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + at, e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** Sets the mode; DOWN closes the port, leaving it reopens it on the same port. */
    public synchronized void mode(Mode next) {
        int boundPort = server.getAddress().getPort();
        if (next == Mode.DOWN && mode != Mode.DOWN) {
            server.stop(0);
        } else if (next != Mode.DOWN && mode == Mode.DOWN) {
            listen(boundPort);
        }
        mode = next;
    }

    public void quota(String userId, long bytes) {
        quotas.put(userId, bytes);
    }

    public void block(String userId) {
        blocked.add(userId);
    }

    /** Admission says yes, but every reservation of this user is refused (as when another upload won the race). */
    public void refuseReservations(String userId) {
        refusing.add(userId);
    }

    public Map<String, Reservation> granted() {
        return granted;
    }

    public Set<String> released() {
        return released;
    }

    public long reservedBytes(String userId) {
        return reservations.values().stream().filter(r -> r.userId().equals(userId)).mapToLong(Reservation::bytes).sum();
    }

    public int unauthorisedCalls() {
        return unauthorised.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (mode == Mode.FAILING) {
                respond(exchange, 503, "{\"title\":\"Service Unavailable\"}");
                return;
            }
            if (mode == Mode.SLOW) {
                try {
                    Thread.sleep(6000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            int auth = authorise(exchange.getRequestHeaders().getFirst("Authorization"));
            if (auth != 0) {
                unauthorised.incrementAndGet();
                respond(exchange, auth, "{\"title\":\"refused\"}");
                return;
            }
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            if (method.equals("GET") && path.startsWith("/internal/storage/admission/")) {
                String user = path.substring("/internal/storage/admission/".length());
                long quota = quotas.getOrDefault(user, DEFAULT_QUOTA);
                boolean isBlocked = blocked.contains(user);
                var body = JSON.createObjectNode().put("userId", user).put("quotaBytes", quota)
                        .put("usedBytes", isBlocked ? quota + 1 : 0).put("reservedBytes", reservedBytes(user))
                        .put("blocked", isBlocked).put("reason", isBlocked ? "storage usage is over the quota" : null);
                respond(exchange, 200, body.toString());
            } else if (method.equals("POST") && path.equals("/internal/storage/reservations")) {
                JsonNode request;
                try (InputStream in = exchange.getRequestBody()) {
                    request = JSON.readTree(in);
                }
                String user = request.path("userId").asText();
                long bytes = request.path("bytes").asLong();
                long quota = quotas.getOrDefault(user, DEFAULT_QUOTA);
                synchronized (this) {
                    if (refusing.contains(user) || bytes > quota - reservedBytes(user) || bytes <= 0) {
                        respond(exchange, 409, "{\"type\":\"urn:hyperai:problem:quota-exceeded\",\"status\":409}");
                        return;
                    }
                    Reservation r = new Reservation(UUID.randomUUID().toString(), user, bytes);
                    reservations.put(r.id(), r);
                    granted.put(r.id(), r);
                    var body = JSON.createObjectNode().put("id", r.id()).put("userId", user).put("bytes", bytes)
                            .put("expiresAt", "2099-01-01T00:00:00Z");
                    respond(exchange, 201, body.toString());
                }
            } else if (method.equals("DELETE") && path.startsWith("/internal/storage/reservations/")) {
                String id = path.substring("/internal/storage/reservations/".length());
                reservations.remove(id);
                released.add(id);
                exchange.sendResponseHeaders(204, -1);
            } else {
                respond(exchange, 404, "{\"title\":\"Not Found\"}");
            }
        }
    }

    /** 0 when the bearer token carries role service; else the status to refuse with. */
    private static int authorise(String header) {
        if (header == null || !header.startsWith("Bearer ")) {
            return 401;
        }
        String[] parts = header.substring(7).split("\\.");
        if (parts.length != 3) {
            return 401;
        }
        try {
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            for (JsonNode role : claims.path("realm_access").path("roles")) {
                if (role.asText().equals("service")) {
                    return 0;
                }
            }
            return 403;
        } catch (IOException | IllegalArgumentException e) {
            return 401;
        }
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
