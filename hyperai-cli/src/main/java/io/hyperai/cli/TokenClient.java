package io.hyperai.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The OIDC provider's endpoints: the password grant for {@code login}, the refresh grant afterwards,
 * and the requests of the device flow ({@link DeviceLogin}).
 */
public final class TokenClient {

    private final HttpClient http;
    private final Clock clock;

    public TokenClient(HttpClient http, Clock clock) {
        this.http = http;
        this.clock = clock;
    }

    public Credentials password(String tokenEndpoint, String clientId, String username, String password) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "password");
        form.put("client_id", clientId);
        form.put("username", username);
        form.put("password", password);
        form.put("scope", "openid");
        return grant(tokenEndpoint, clientId, username, form, "login failed");
    }

    public Credentials refresh(Credentials old) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("client_id", old.clientId());
        form.put("refresh_token", old.refreshToken());
        Credentials fresh = grant(old.tokenEndpoint(), old.clientId(), old.username(), form, "session expired");
        // a provider may keep the refresh token and not send it again
        return fresh.hasRefreshToken() ? fresh
                : new Credentials(fresh.username(), fresh.accessToken(), fresh.expiresAt(), old.refreshToken(),
                        old.refreshExpiresAt(), fresh.tokenEndpoint(), fresh.clientId());
    }

    private Credentials grant(String endpoint, String clientId, String username, Map<String, String> form,
            String failure) {
        Answer answer = post(endpoint, form);
        if (!answer.granted()) {
            String error = answer.error();
            if ("invalid_grant".equals(error) && "password".equals(form.get("grant_type"))) {
                throw new CliException(failure + ": wrong user name or password");
            }
            if ("invalid_grant".equals(error)) {
                throw new CliException(failure + ": run `hyperai login`");
            }
            throw answer.failure(failure);
        }
        return credentials(answer.body(), endpoint, clientId, username);
    }

    /** An answer of the token endpoint (or of another endpoint of the provider that takes a form). */
    record Answer(int status, JsonNode body) {

        boolean granted() {
            return status == 200 && Json.text(body, "access_token") != null;
        }

        String error() {
            return Json.text(body, "error");
        }

        CliException failure(String what) {
            String description = Json.text(body, "error_description");
            return new CliException(what + ": the auth server answered " + status + (error() == null ? "" : " " + error())
                    + (description == null ? "" : ": " + description));
        }
    }

    Answer post(String endpoint, Map<String, String> form) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(encode(form))).build();
        return send(request, endpoint);
    }

    Answer get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json").GET().build(), url);
    }

    private Answer send(HttpRequest request, String url) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), parse(response.body()));
        } catch (ConnectException e) {
            throw new CliException("cannot reach the auth server at " + url
                    + " (is the platform running? `./platform up`)");
        } catch (IOException e) {
            throw new CliException("cannot reach the auth server at " + url + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }

    /** The tokens of a successful answer; {@code username} null takes the access token's user name. */
    Credentials credentials(JsonNode body, String endpoint, String clientId, String username) {
        long now = clock.instant().getEpochSecond();
        long expiresIn = body.path("expires_in").asLong(0);
        long refreshExpiresIn = body.path("refresh_expires_in").asLong(0);
        String access = Json.text(body, "access_token");
        String user = username != null ? username : Json.text(AuthCommands.claims(access), "preferred_username");
        return new Credentials(user, access, expiresIn > 0 ? now + expiresIn : 0,
                Json.text(body, "refresh_token"), refreshExpiresIn > 0 ? now + refreshExpiresIn : 0, endpoint,
                clientId);
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? null : Json.MAPPER.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    static String encode(Map<String, String> form) {
        return form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
