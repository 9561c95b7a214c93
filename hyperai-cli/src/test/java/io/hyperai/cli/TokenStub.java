package io.hyperai.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A token endpoint at {@code /realms/hyperai/protocol/openid-connect/token}: the password grant
 * for {@code alice}/{@code alice}, the refresh grant for any refresh token it issued and still
 * accepts, and the device grant for {@code dev-1}, which answers {@link #deviceAnswers} in turn
 * (an error code, or {@code ok} for tokens); it records each grant's form. With
 * {@link #deviceFlow}, discovery names its device authorization endpoint.
 */
final class TokenStub implements AutoCloseable {

    final List<Map<String, String>> grants = new ArrayList<>();
    final List<String> revoked = new ArrayList<>();
    long expiresIn = 300;
    boolean sendRefreshToken = true;
    boolean deviceFlow = true;
    boolean deviceClientAllowed = true;
    long deviceInterval = 0;
    final List<String> deviceAnswers = new ArrayList<>();
    private int issued;
    private final HttpServer server;

    TokenStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        server.createContext("/realms/hyperai/protocol/openid-connect/token", this::token);
        server.createContext("/realms/hyperai/protocol/openid-connect/auth/device", this::device);
        server.createContext("/realms/hyperai/.well-known/openid-configuration", this::discovery);
        server.start();
    }

    String authUrl() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    String endpoint() {
        return authUrl() + "/realms/hyperai/protocol/openid-connect/token";
    }

    /** An unsigned JWT with the claims whoami reads. */
    static String jwt(String user, int n) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String claims = "{\"sub\":\"" + user + "-id\",\"preferred_username\":\"" + user
                + "\",\"realm_access\":{\"roles\":[\"user\"]},\"n\":" + n + "}";
        return b64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".sig";
    }

    private void discovery(HttpExchange exchange) throws IOException {
        try (exchange) {
            String base = authUrl() + "/realms/hyperai";
            send(exchange, 200, "{\"issuer\":\"" + base + "\",\"token_endpoint\":\"" + endpoint() + "\""
                    + (deviceFlow ? ",\"device_authorization_endpoint\":\"" + base + "/protocol/openid-connect/auth/device\"" : "")
                    + "}");
        }
    }

    private synchronized void device(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> form = form(exchange);
            grants.add(form);
            if (!deviceClientAllowed) {
                send(exchange, 400, "{\"error\":\"unauthorized_client\"}");
                return;
            }
            String verify = authUrl() + "/realms/hyperai/device";
            send(exchange, 200, "{\"device_code\":\"dev-1\",\"user_code\":\"ABCD-EFGH\",\"verification_uri\":\"" + verify
                    + "\",\"verification_uri_complete\":\"" + verify + "?user_code=ABCD-EFGH\",\"expires_in\":600,"
                    + "\"interval\":" + deviceInterval + "}");
        }
    }

    private static Map<String, String> form(HttpExchange exchange) throws IOException {
        Map<String, String> form = new HashMap<>();
        for (String pair : new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    private synchronized void token(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> form = form(exchange);
            grants.add(form);
            String grant = form.get("grant_type");
            if (DeviceLogin.GRANT.equals(grant)) {
                String answer = deviceAnswers.isEmpty() ? "expired_token" : deviceAnswers.remove(0);
                if (!"ok".equals(answer) || !"dev-1".equals(form.get("device_code"))) {
                    send(exchange, 400, "{\"error\":\"" + answer + "\"}");
                    return;
                }
                grant = "password";
                form = Map.of("client_id", form.get("client_id"), "username", "alice", "password", "alice");
            }
            boolean ok = "hyperai-cli".equals(form.get("client_id")) && ("password".equals(grant)
                    ? "alice".equals(form.get("username")) && "alice".equals(form.get("password"))
                    : "refresh_token".equals(grant) && form.getOrDefault("refresh_token", "").startsWith("refresh-")
                            && !revoked.contains(form.get("refresh_token")));
            if (!ok) {
                send(exchange, 400, "{\"error\":\"invalid_grant\",\"error_description\":\"no\"}");
                return;
            }
            issued++;
            send(exchange, 200, "{\"access_token\":\"" + jwt("alice", issued) + "\",\"token_type\":\"Bearer\",\"expires_in\":"
                    + expiresIn + (sendRefreshToken ? ",\"refresh_token\":\"refresh-" + issued + "\",\"refresh_expires_in\":1800" : "")
                    + "}");
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
