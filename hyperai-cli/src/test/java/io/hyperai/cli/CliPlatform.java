package io.hyperai.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.hyperai.test.PackagedServices;
import io.hyperai.test.SharedInfrastructure;
import io.hyperai.test.Tokens;

/**
 * The five packaged services, started once for every {@code *IT} class of this module that uses
 * {@code @ExtendWith(CliPlatform.class)} and stopped when the test plan ends, with the OIDC test
 * provider as the auth server. execution-service uses its local runtime: executions are real
 * processes (in a bubblewrap sandbox where it is installed) with real exit codes and output.
 */
final class CliPlatform implements BeforeAllCallback {

    static final String[] NAMES = { "storage", "warehouse", "gear", "billing", "execution" };

    private static PackagedServices services;

    static synchronized PackagedServices services() {
        if (services == null) {
            long start = System.nanoTime();
            services = PackagedServices.start("hyperai-cli",
                    Map.of("execution", Map.of("HYPERAI_EXECUTION_RUNTIME", "local")), NAMES);
            System.out.printf("cli platform: %s started in %d ms%n", String.join(", ", NAMES),
                    (System.nanoTime() - start) / 1_000_000);
        }
        return services;
    }

    /** A CLI with a configuration folder of its own (no one logged in yet) pointing at the services. */
    static CliRunner newCli() {
        ObjectNode config = Json.MAPPER.createObjectNode();
        config.put("authUrl", SharedInfrastructure.oidc().issuer());
        for (String service : PackagedServices.ALL) {
            config.put(service + "Url", services().url(service));
        }
        try {
            Path dir = Files.createDirectories(PackagedServices.root().resolve("hyperai-cli/target/cli-homes")
                    .resolve(UUID.randomUUID().toString()));
            Files.writeString(dir.resolve("config.json"), Json.pretty(config));
            return new CliRunner(Map.of("HYPERAI_CONFIG_DIR", dir.toString()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** An admin's top-up of {@code user}'s balance (unique reference), as billing-service's API takes it. */
    static void topUp(String user, long amountMinor) {
        admin("billing", "POST", "/api/v1/billing/accounts/" + user + "/top-ups",
                "{\"amountMinor\":" + amountMinor + ",\"reference\":\"cli-it-" + UUID.randomUUID() + "\"}");
    }

    /** An admin's quota for {@code user}. */
    static void setQuota(String user, long quotaBytes) {
        admin("storage", "PUT", "/api/v1/storage/quotas/" + user, "{\"quotaBytes\":" + quotaBytes + "}");
    }

    private static void admin(String service, String method, String path, String json) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(services().url(service) + path))
                .header("Authorization", "Bearer " + Tokens.admin()).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json)).build();
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": "
                        + response.body());
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .computeIfAbsent(CliPlatform.class, k -> new Stopper(), Stopper.class);
        services();
    }

    /** Closed by JUnit when the test plan ends, before the shared infrastructure's shutdown hooks run. */
    private static final class Stopper implements AutoCloseable {
        @Override
        public void close() {
            synchronized (CliPlatform.class) {
                if (services != null) {
                    services.close();
                    services = null;
                }
            }
        }
    }
}
