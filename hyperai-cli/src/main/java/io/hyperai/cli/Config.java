package io.hyperai.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Where the platform is: the five services' base URLs and the OIDC provider. Each value comes from
 * the environment ({@code HYPERAI_GEAR_URL}, ..., {@code HYPERAI_AUTH_URL}, {@code HYPERAI_REALM},
 * {@code HYPERAI_CLIENT_ID}), else from {@code config.json} in the configuration folder
 * ({@code gearUrl}, ..., {@code authUrl}, {@code realm}, {@code clientId}), else the local platform
 * of {@code ./platform up}.
 */
public record Config(Path dir, Map<String, String> serviceUrls, String authUrl, String realm, String clientId) {

    public static final List<String> SERVICES = List.of("gear", "execution", "warehouse", "storage", "billing");
    static final Map<String, Integer> DEFAULT_PORTS = Map.of("gear", 8101, "execution", 8102, "warehouse", 8103,
            "storage", 8104, "billing", 8105);

    /** {@code $HYPERAI_CONFIG_DIR}, else {@code $XDG_CONFIG_HOME/hyperai}, else {@code ~/.config/hyperai}. */
    public static Path directory(Map<String, String> env) {
        String explicit = env.get("HYPERAI_CONFIG_DIR");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "hyperai");
        }
        return Path.of(System.getProperty("user.home"), ".config", "hyperai");
    }

    public static Config load(Map<String, String> env) {
        Path dir = directory(env);
        JsonNode file = Json.MAPPER.createObjectNode();
        Path path = dir.resolve("config.json");
        if (Files.isRegularFile(path)) {
            try {
                file = Json.MAPPER.readTree(path.toFile());
            } catch (IOException e) {
                throw new CliException("cannot read " + path + ": " + e.getMessage());
            }
        }
        Map<String, String> urls = new LinkedHashMap<>();
        for (String service : SERVICES) {
            urls.put(service, trim(value(env, file, "HYPERAI_" + service.toUpperCase(Locale.ROOT) + "_URL",
                    service + "Url", "http://localhost:" + DEFAULT_PORTS.get(service))));
        }
        return new Config(dir, urls, trim(value(env, file, "HYPERAI_AUTH_URL", "authUrl", "http://localhost:8180")),
                value(env, file, "HYPERAI_REALM", "realm", "hyperai"),
                value(env, file, "HYPERAI_CLIENT_ID", "clientId", "hyperai-cli"));
    }

    public String url(String service) {
        String url = serviceUrls.get(service);
        if (url == null) {
            throw new IllegalArgumentException("no service " + service);
        }
        return url;
    }

    /** The realm's issuer: {@code authUrl} itself when it already names a realm, else {@code <authUrl>/realms/<realm>}. */
    public String issuer() {
        return authUrl.contains("/realms/") ? authUrl : authUrl + "/realms/" + realm;
    }

    public String tokenEndpoint() {
        return issuer() + "/protocol/openid-connect/token";
    }

    public Path credentialsFile() {
        return dir.resolve("credentials.json");
    }

    private static String value(Map<String, String> env, JsonNode file, String envName, String key, String fallback) {
        String fromEnv = env.get(envName);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.trim();
        }
        JsonNode fromFile = file.get(key);
        if (fromFile != null && fromFile.isTextual() && !fromFile.asText().isBlank()) {
            return fromFile.asText().trim();
        }
        return fallback;
    }

    private static String trim(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
