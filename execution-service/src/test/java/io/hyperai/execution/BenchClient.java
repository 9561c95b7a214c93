package io.hyperai.execution;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.restassured.RestAssured;

/**
 * The benches' client of the service's API: a plain HTTP client on kept-alive connections, as the bare creates they
 * are set beside go through fabric8's. rest-assured spends milliseconds of its own per request (Groovy) on the same
 * two cores as the service (a GET's p50 18 ms through it, 2 ms through this), and that time was in the figures.
 */
final class BenchClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI api = URI.create("http://localhost:" + RestAssured.port + "/api/v1/");

    /** GET of {@code path} below {@code /api/v1/}, which must answer 200; its JSON body. */
    JsonNode get(String token, String path) {
        return send(HttpRequest.newBuilder(api.resolve(path)).header("Authorization", "Bearer " + token).build(), 200);
    }

    /** POST of {@code json} (or nothing) to {@code path} below {@code /api/v1/}, which must answer {@code status}. */
    JsonNode post(String token, String path, String json, int status) {
        HttpRequest.Builder request = HttpRequest.newBuilder(api.resolve(path))
                .header("Authorization", "Bearer " + token);
        if (json == null) {
            request.POST(HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        }
        return send(request.build(), status);
    }

    /** GETs of every address at once, without credentials or a status to check; returns once all have answered. */
    void getAll(List<URI> addresses) {
        CompletableFuture.allOf(addresses.stream().map(uri -> http.sendAsync(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.discarding())).toArray(CompletableFuture[]::new)).join();
    }

    private JsonNode send(HttpRequest request, int status) {
        try {
            HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != status) {
                throw new AssertionError(request.method() + " " + request.uri() + " answered " + answer.statusCode()
                        + ": " + answer.body());
            }
            return answer.body().isEmpty() ? JSON.missingNode() : JSON.readTree(answer.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
