package io.hyperai.billing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Stands in for gear-service's {@code GET /internal/compute-specs}: answers only a bearer token whose
 * realm roles include {@code service}, as the real one does. {@link #DOWN} (a system property, so the
 * test and this resource agree whatever class loader each runs in) makes it answer 503.
 */
public class GearStandIn implements QuarkusTestResourceLifecycleManager {

    public static final String DOWN = "billing.test.gear.down";

    static final String SPECS = """
            [{"id":"cpu-2c4g","kind":"CPU","vcpu":2,"memoryMib":4096,"diskGib":50,"gpuCount":0,"gpuModel":null,
              "pricePerHourMinor":100,"currency":"CNY","nodeSelector":{},"retired":false},
             {"id":"gpu-a100-1","kind":"GPU","vcpu":12,"memoryMib":86016,"diskGib":200,"gpuCount":1,
              "gpuModel":"A100-80G","pricePerHourMinor":1290,"currency":"CNY",
              "nodeSelector":{"hyperai.io/gpu-model":"a100-80g"},"retired":false},
             {"id":"gpu-k80-1","kind":"GPU","vcpu":4,"memoryMib":16384,"diskGib":50,"gpuCount":1,
              "gpuModel":"K80","pricePerHourMinor":90,"currency":"CNY","nodeSelector":{},"retired":true}]""";

    private static final ObjectMapper JSON = new ObjectMapper();
    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/internal/compute-specs", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "gear-stand-in");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        return Map.of("quarkus.rest-client.gear.url", "http://localhost:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (Boolean.getBoolean(DOWN)) {
                respond(exchange, 503, "{\"title\":\"down for the test\"}");
            } else if (!"GET".equals(exchange.getRequestMethod())) {
                respond(exchange, 405, "{}");
            } else if (!hasServiceRole(exchange.getRequestHeaders().getFirst("Authorization"))) {
                respond(exchange, 403, "{\"title\":\"Forbidden\"}");
            } else {
                respond(exchange, 200, SPECS);
            }
        }
    }

    /** Reads the JWT payload's {@code realm_access.roles}; the signature is the real provider's business. */
    static boolean hasServiceRole(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return false;
        }
        String[] parts = authorization.substring("Bearer ".length()).split("\\.");
        if (parts.length != 3) {
            return false;
        }
        try {
            JsonNode payload = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            for (JsonNode role : payload.path("realm_access").path("roles")) {
                if ("service".equals(role.asText())) {
                    return true;
                }
            }
            return false;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().put("Content-Type", List.of("application/json"));
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
