package io.hyperai.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;

/** The services' user APIs with the signed-in user's bearer token; an error answer becomes a {@link CliException}. */
public final class Api {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Config config;
    private final HttpClient http;
    private final Supplier<String> token;

    public Api(Config config, HttpClient http, Supplier<String> token) {
        this.config = config;
        this.http = http;
        this.token = token;
    }

    public JsonNode get(String service, String path) {
        return json(service, request(service, path).GET().build());
    }

    public JsonNode post(String service, String path, JsonNode body) {
        return json(service, request(service, path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body == null ? "{}" : body.toString())).build());
    }

    public JsonNode put(String service, String path, JsonNode body) {
        return json(service, request(service, path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body == null ? "{}" : body.toString())).build());
    }

    public JsonNode delete(String service, String path) {
        return json(service, request(service, path).DELETE().build());
    }

    public JsonNode postMultipart(String service, String path, Multipart body) {
        return json(service, request(service, path).timeout(Duration.ofHours(6))
                .header("Content-Type", body.contentType()).POST(body.publisher()).build());
    }

    public String text(String service, String path) {
        HttpRequest request = request(service, path).setHeader("Accept", "text/plain").GET().build();
        HttpResponse<String> response = send(service, request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw failure(response.statusCode(), response.body());
        }
        return response.body();
    }

    /** Server-sent events: each event's data to {@code chunks}, until the server ends the stream. */
    public void follow(String service, String path, Consumer<String> chunks) {
        HttpRequest request = request(service, path).timeout(Duration.ofDays(7)).setHeader("Accept", "text/event-stream")
                .GET().build();
        HttpResponse<InputStream> response = send(service, request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            if (response.statusCode() >= 300) {
                throw failure(response.statusCode(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            Sse.read(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), chunks);
        } catch (IOException e) {
            throw new CliException("the log stream of " + service + "-service broke off: " + e.getMessage());
        }
    }

    /** Streams a file to {@code target} (through a temporary file beside it); returns its size. */
    public long download(String service, String path, Path target, Progress.Factory progress, String label) {
        HttpRequest request = request(service, path).timeout(Duration.ofHours(6)).setHeader("Accept", "*/*").GET().build();
        HttpResponse<InputStream> response = send(service, request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            if (response.statusCode() >= 300) {
                throw failure(response.statusCode(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            long total = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            Path dir = target.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".hyperai-", ".part");
            long copied = 0;
            try (Progress bar = progress.start(label, total); OutputStream out = Files.newOutputStream(tmp)) {
                byte[] buffer = new byte[64 * 1024];
                for (int n; (n = in.read(buffer)) >= 0;) {
                    out.write(buffer, 0, n);
                    copied += n;
                    bar.advance(n);
                }
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(tmp);
                throw e;
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            return copied;
        } catch (IOException e) {
            throw new CliException("download of " + label + " failed: " + e.getMessage());
        }
    }

    private HttpRequest.Builder request(String service, String path) {
        String bearer = token.get();
        return HttpRequest.newBuilder(URI.create(config.url(service) + path)).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + bearer).header("Accept", "application/json");
    }

    private JsonNode json(String service, HttpRequest request) {
        HttpResponse<String> response = send(service, request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw failure(response.statusCode(), response.body());
        }
        String body = response.body();
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new CliException(service + "-service answered something that is not JSON");
        }
    }

    private <T> HttpResponse<T> send(String service, HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (ConnectException e) {
            throw new CliException("cannot reach " + service + "-service at " + config.url(service)
                    + " (is the platform running? `./platform up`)");
        } catch (HttpTimeoutException e) {
            throw new CliException(service + "-service did not answer in time");
        } catch (IOException e) {
            throw new CliException("cannot talk to " + service + "-service at " + config.url(service) + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }

    /** An error answer from a service, with its status. */
    public static final class Refused extends CliException {

        private final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }

        /** A 4xx: the request was turned down and nothing was done (a 5xx or no answer might have done it). */
        public boolean clientError() {
            return status >= 400 && status < 500;
        }
    }

    static Refused failure(int status, String body) {
        JsonNode parsed = null;
        try {
            parsed = body == null || body.isBlank() ? null : Json.MAPPER.readTree(body);
        } catch (IOException e) {
            // not JSON: the status alone says it
        }
        return new Refused(status, Problems.message(status, parsed != null && parsed.isObject() ? parsed : null));
    }
}
