package io.hyperai.test.matrix;

import static io.restassured.RestAssured.given;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.hyperai.test.OpenApiOperations.Operation;
import io.restassured.config.EncoderConfig;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/** Sends the matrices' requests to the services by name and counts them per service. */
public final class Requests {

    /** A request's body: raw bytes of a content type, or a multipart upload of one small file. */
    public record Body(String contentType, String text, boolean multipartFile) {

        public static Body json(String text) {
            return new Body("application/json", text, false);
        }

        public static Body raw(String contentType, String text) {
            return new Body(contentType, text, false);
        }

        /** {@code multipart/form-data} with one file part named {@code files}. */
        public static Body file() {
            return new Body("multipart/form-data", "print('matrix')\n", true);
        }
    }

    private static final RestAssuredConfig CONFIG = RestAssuredConfig.config()
            .encoderConfig(EncoderConfig.encoderConfig().appendDefaultContentCharsetToContentTypeIfUndefined(false)
                    .encodeContentTypeAs("multipart/form-data", ContentType.TEXT)
                    .encodeContentTypeAs("application/json", ContentType.TEXT)
                    .encodeContentTypeAs("text/plain", ContentType.TEXT))
            // a request the service never answers must fail the matrix, not hang it
            .httpClient(HttpClientConfig.httpClientConfig().setParam("http.socket.timeout", 30_000)
                    .setParam("http.connection.timeout", 10_000));

    private final Map<String, String> urls;
    private final Map<String, AtomicInteger> counts = new TreeMap<>();

    public Requests(Map<String, String> urls) {
        this.urls = Map.copyOf(urls);
    }

    public Map<String, String> urls() {
        return urls;
    }

    /**
     * Sends {@code method path} to {@code service}; {@code token} may be null (no Authorization),
     * {@code body} null (none), {@code accept} null (any).
     */
    public Response send(String service, String method, String path, String token, Map<String, ?> query, Body body,
            String accept) {
        RequestSpecification spec = given().config(CONFIG).baseUri(url(service)).redirects().follow(false);
        if (token != null) {
            spec.header("Authorization", "Bearer " + token);
        }
        if (accept != null) {
            spec.accept(accept);
        }
        if (query != null) {
            spec.queryParams(query);
        }
        if (body != null) {
            if (body.multipartFile()) {
                spec.multiPart("files", "main.py", body.text().getBytes(StandardCharsets.UTF_8),
                        "application/octet-stream");
            } else {
                spec.contentType(body.contentType()).body(body.text());
            }
        }
        counts.computeIfAbsent(service, k -> new AtomicInteger()).incrementAndGet();
        return spec.request(method, path);
    }

    public Response send(String service, Operation operation, String path, String token) {
        return send(service, operation.method(), path, token, null, null, null);
    }

    private String url(String service) {
        String url = urls.get(service);
        if (url == null) {
            throw new IllegalArgumentException("no URL for service " + service + " in " + urls.keySet());
        }
        return url;
    }

    /** Requests sent so far, per service. */
    public Map<String, Integer> counts() {
        Map<String, Integer> copy = new TreeMap<>();
        counts.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    public int total() {
        return counts.values().stream().mapToInt(AtomicInteger::get).sum();
    }
}
