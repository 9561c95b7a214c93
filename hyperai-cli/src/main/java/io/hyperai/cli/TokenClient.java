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

/** The OIDC token endpoint: the password grant for {@code login}, the refresh grant afterwards. */
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
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(encode(form))).build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new CliException("cannot reach the auth server at " + endpoint
                    + " (is the platform running? `./platform up`)");
        } catch (IOException e) {
            throw new CliException("cannot reach the auth server at " + endpoint + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
        JsonNode body = parse(response.body());
        if (response.statusCode() != 200 || body == null || Json.text(body, "access_token") == null) {
            String error = Json.text(body, "error");
            String description = Json.text(body, "error_description");
            if ("invalid_grant".equals(error) && "password".equals(form.get("grant_type"))) {
                throw new CliException(failure + ": wrong user name or password");
            }
            if ("invalid_grant".equals(error)) {
                throw new CliException(failure + ": run `hyperai login`");
            }
            throw new CliException(failure + ": the auth server answered " + response.statusCode()
                    + (error == null ? "" : " " + error) + (description == null ? "" : ": " + description));
        }
        long now = clock.instant().getEpochSecond();
        long expiresIn = body.path("expires_in").asLong(0);
        long refreshExpiresIn = body.path("refresh_expires_in").asLong(0);
        return new Credentials(username, Json.text(body, "access_token"), expiresIn > 0 ? now + expiresIn : 0,
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
