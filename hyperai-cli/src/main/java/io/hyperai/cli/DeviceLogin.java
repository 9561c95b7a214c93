package io.hyperai.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The OAuth 2.0 device authorization grant (RFC 8628): the provider's discovery document names the
 * device authorization endpoint; the CLI asks it for a code, shows where to confirm it, and polls
 * the token endpoint at the interval the provider asks for until the person has signed in there.
 */
final class DeviceLogin {

    static final String GRANT = "urn:ietf:params:oauth:grant-type:device_code";
    /** RFC 8628 §3.5: after {@code slow_down}, poll this much less often. */
    static final Duration SLOW_DOWN = Duration.ofSeconds(5);

    /** What the person is asked to do, and what the CLI polls with. */
    record Code(String deviceCode, String userCode, String verificationUri, String verificationUriComplete,
            Duration lifetime, Instant expiresAt, Duration interval) {
    }

    /** Waits between polls; tests pass one that does not. */
    interface Sleeper {
        void sleep(Duration duration);
    }

    private final TokenClient tokens;
    private final Sleeper sleeper;
    private final Clock clock;

    DeviceLogin(TokenClient tokens, Sleeper sleeper, Clock clock) {
        this.tokens = tokens;
        this.sleeper = sleeper;
        this.clock = clock;
    }

    /** Signs in through the browser: {@code show} gets the lines to print for the person. */
    Credentials login(String issuer, String clientId, Consumer<String> show) {
        JsonNode discovery = discover(issuer);
        String deviceEndpoint = Json.text(discovery, "device_authorization_endpoint");
        String tokenEndpoint = Json.text(discovery, "token_endpoint");
        if (deviceEndpoint == null || tokenEndpoint == null) {
            throw new CliException("the auth server at " + issuer
                    + " does not offer the device-code flow; use `hyperai login USER`");
        }
        Code code = start(deviceEndpoint, clientId);
        show.accept("To sign in, open " + (code.verificationUriComplete() != null ? code.verificationUriComplete()
                : code.verificationUri()) + " in a browser and confirm the code " + code.userCode());
        show.accept("waiting for you to sign in there (the code expires in "
                + Format.duration(code.lifetime()) + ") ...");
        return await(tokenEndpoint, clientId, code);
    }

    JsonNode discover(String issuer) {
        TokenClient.Answer answer = tokens.get(issuer + "/.well-known/openid-configuration");
        if (answer.status() != 200 || answer.body() == null) {
            throw new CliException("the auth server at " + issuer + " has no OpenID discovery document (HTTP "
                    + answer.status() + ")");
        }
        return answer.body();
    }

    Code start(String deviceEndpoint, String clientId) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_id", clientId);
        form.put("scope", "openid");
        TokenClient.Answer answer = tokens.post(deviceEndpoint, form);
        JsonNode body = answer.body();
        if (answer.status() != 200 || Json.text(body, "device_code") == null || Json.text(body, "user_code") == null) {
            if ("unauthorized_client".equals(answer.error())) {
                throw new CliException("device login failed: the client " + clientId
                        + " may not use the device-code flow at this auth server");
            }
            throw answer.failure("device login failed");
        }
        long expiresIn = body.path("expires_in").asLong(600);
        long interval = body.path("interval").asLong(5);
        return new Code(Json.text(body, "device_code"), Json.text(body, "user_code"),
                Json.text(body, "verification_uri"), Json.text(body, "verification_uri_complete"),
                Duration.ofSeconds(expiresIn), clock.instant().plusSeconds(expiresIn), Duration.ofSeconds(Math.max(0, interval)));
    }

    Credentials await(String tokenEndpoint, String clientId, Code code) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", GRANT);
        form.put("client_id", clientId);
        form.put("device_code", code.deviceCode());
        Duration interval = code.interval();
        while (true) {
            sleeper.sleep(interval);
            TokenClient.Answer answer = tokens.post(tokenEndpoint, form);
            if (answer.granted()) {
                return tokens.credentials(answer.body(), tokenEndpoint, clientId, null);
            }
            switch (answer.error() == null ? "" : answer.error()) {
                case "authorization_pending" -> {
                    // the person has not confirmed yet
                }
                case "slow_down" -> interval = interval.plus(SLOW_DOWN);
                case "expired_token" -> throw expired();
                case "access_denied" -> throw new CliException("device login failed: the sign-in was refused at the auth server");
                default -> throw answer.failure("device login failed");
            }
            if (clock.instant().isAfter(code.expiresAt())) {
                throw expired();
            }
        }
    }

    private static CliException expired() {
        return new CliException("device login failed: the code expired before it was confirmed; "
                + "run `hyperai login --device` again");
    }
}
