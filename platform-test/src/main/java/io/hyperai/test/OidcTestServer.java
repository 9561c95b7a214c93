package io.hyperai.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.smallrye.jwt.build.Jwt;

/**
 * A small OpenID provider that signs real RS256 tokens shaped like Keycloak's (roles in
 * {@code realm_access.roles}, audience {@code hyperai-api}). It serves discovery, JWKS and the token
 * endpoint for the password, refresh-token and client-credentials grants, so services verify tokens
 * and fetch their own service tokens exactly as they do against Keycloak, and clients sign in and
 * refresh as they do there. quarkus-test-oidc-server's
 * client-credentials stub always answers with one fixed user, which cannot stand in for a
 * service account; this one can.
 */
public final class OidcTestServer implements AutoCloseable {

    public static final String REALM = "hyperai";
    public static final String AUDIENCE = "hyperai-api";
    public static final Map<String, List<String>> USERS = Map.of(
            "alice", List.of("user"),
            "bob", List.of("user"),
            "carol", List.of("user"),
            "admin", List.of("user", "admin"));

    private final HttpServer server;
    private final KeyPair keys;
    private final KeyPair strangerKeys;
    private final String keyId = "hyperai-test-key";
    /** Refresh tokens it issued (opaque), to the user they refresh. */
    private final Map<String, String> refreshTokens = new ConcurrentHashMap<>();

    private OidcTestServer(HttpServer server) {
        this.server = server;
        this.keys = rsa();
        this.strangerKeys = rsa();
        server.createContext("/realms/" + REALM, this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "oidc-test-server");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    public static OidcTestServer start(int port) {
        try {
            return new OidcTestServer(HttpServer.create(new InetSocketAddress("localhost", port), 0));
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the OIDC test server on port " + port, e);
        }
    }

    public String issuer() {
        return "http://localhost:" + server.getAddress().getPort() + "/realms/" + REALM;
    }

    /** A valid access token for {@code subject} with these realm roles. */
    public String token(String subject, String... roles) {
        return sign(subject, Arrays.asList(roles), issuer(), AUDIENCE, Duration.ofMinutes(15), keys.getPrivate());
    }

    /** A user of {@link #USERS} by name; the subject is the name itself. */
    public String user(String name) {
        List<String> roles = USERS.get(name);
        if (roles == null) {
            throw new IllegalArgumentException("no test user " + name);
        }
        return token(name, roles.toArray(String[]::new));
    }

    public String serviceToken(String clientId) {
        return token("service-account-" + clientId, "service");
    }

    public String expiredToken(String subject, String... roles) {
        return sign(subject, Arrays.asList(roles), issuer(), AUDIENCE, Duration.ofMinutes(-10), keys.getPrivate());
    }

    public String tokenFromOtherIssuer(String subject, String... roles) {
        return sign(subject, Arrays.asList(roles), "http://localhost:1/realms/other", AUDIENCE, Duration.ofMinutes(15),
                keys.getPrivate());
    }

    public String tokenForOtherAudience(String subject, String... roles) {
        return sign(subject, Arrays.asList(roles), issuer(), "some-other-api", Duration.ofMinutes(15), keys.getPrivate());
    }

    /** Correct claims, signed with a key this provider never published. */
    public String forgedToken(String subject, String... roles) {
        return sign(subject, Arrays.asList(roles), issuer(), AUDIENCE, Duration.ofMinutes(15), strangerKeys.getPrivate());
    }

    private String sign(String subject, List<String> roles, String issuer, String audience, Duration ttl,
            PrivateKey key) {
        Instant now = Instant.now();
        Instant expires = now.plus(ttl);
        Instant issued = ttl.isNegative() ? expires.minus(Duration.ofMinutes(15)) : now;
        return Jwt.issuer(issuer)
                .subject(subject)
                .audience(audience)
                .claim("preferred_username", subject)
                .claim("realm_access", Map.of("roles", roles))
                .claim("typ", "Bearer")
                .issuedAt(issued)
                .expiresAt(expires)
                .jws().keyId(keyId).algorithm(io.smallrye.jwt.algorithm.SignatureAlgorithm.RS256)
                .sign(key);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath().substring(("/realms/" + REALM).length());
            switch (path) {
                case "/.well-known/openid-configuration" -> json(exchange, 200, discovery());
                case "/protocol/openid-connect/certs" -> json(exchange, 200, jwks());
                case "/protocol/openid-connect/token" -> tokenEndpoint(exchange);
                default -> json(exchange, 404, "{\"error\":\"not_found\"}");
            }
        }
    }

    private String discovery() {
        String base = issuer() + "/protocol/openid-connect";
        return "{\"issuer\":\"" + issuer() + "\",\"jwks_uri\":\"" + base + "/certs\",\"token_endpoint\":\"" + base
                + "/token\",\"authorization_endpoint\":\"" + base + "/auth\",\"userinfo_endpoint\":\"" + base
                + "/userinfo\",\"grant_types_supported\":[\"password\",\"refresh_token\",\"client_credentials\"],"
                + "\"id_token_signing_alg_values_supported\":[\"RS256\"]}";
    }

    private String jwks() {
        RSAPublicKey pub = (RSAPublicKey) keys.getPublic();
        return "{\"keys\":[{\"kty\":\"RSA\",\"use\":\"sig\",\"alg\":\"RS256\",\"kid\":\"" + keyId + "\",\"n\":\""
                + b64(pub.getModulus()) + "\",\"e\":\"" + b64(pub.getPublicExponent()) + "\"}]}";
    }

    private void tokenEndpoint(HttpExchange exchange) throws IOException {
        Map<String, String> form = form(exchange);
        String grant = form.getOrDefault("grant_type", "");
        String token = null;
        String user = null;
        if ("client_credentials".equals(grant)) {
            String[] client = clientCredentials(exchange, form);
            if (client != null && (client[0] + "-secret").equals(client[1])) {
                token = serviceToken(client[0]);
            }
        } else if ("password".equals(grant)) {
            String name = form.get("username");
            if (name != null && USERS.containsKey(name) && name.equals(form.get("password"))) {
                user = name;
            }
        } else if ("refresh_token".equals(grant)) {
            user = refreshTokens.get(form.getOrDefault("refresh_token", ""));
        }
        if (user != null) {
            token = user(user);
        }
        if (token == null) {
            // as Keycloak: 401 for wrong credentials, 400 for a refresh token it does not (or no longer) know
            json(exchange, "refresh_token".equals(grant) ? 400 : 401, "{\"error\":\"invalid_grant\"}");
            return;
        }
        String refresh = "";
        if (user != null) {
            String refreshToken = "refresh-" + UUID.randomUUID();
            refreshTokens.put(refreshToken, user);
            refresh = ",\"refresh_token\":\"" + refreshToken + "\",\"refresh_expires_in\":1800";
        }
        json(exchange, 200, "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":900"
                + refresh + "}");
    }

    private static String[] clientCredentials(HttpExchange exchange, Map<String, String> form) {
        String basic = exchange.getRequestHeaders().getFirst("Authorization");
        if (basic != null && basic.startsWith("Basic ")) {
            String decoded = new String(Base64.getDecoder().decode(basic.substring(6)), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon > 0) {
                return new String[] { urlDecode(decoded.substring(0, colon)), urlDecode(decoded.substring(colon + 1)) };
            }
        }
        if (form.containsKey("client_id")) {
            return new String[] { form.get("client_id"), form.get("client_secret") };
        }
        return null;
    }

    private static Map<String, String> form(HttpExchange exchange) throws IOException {
        Map<String, String> form = new HashMap<>();
        try (InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (String pair : body.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    form.put(urlDecode(pair.substring(0, eq)), urlDecode(pair.substring(eq + 1)));
                }
            }
        }
        return form;
    }

    private static String urlDecode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static void json(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String b64(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** The realm roles a token of this server grants a user, for tests that enumerate users. */
    public static Set<String> users() {
        return USERS.keySet();
    }
}
