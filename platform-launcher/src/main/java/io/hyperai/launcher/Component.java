package io.hyperai.launcher;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** Everything {@code ./platform up} runs, in start order. */
public enum Component {

    POSTGRES("postgres", "PostgreSQL", 15432, Kind.INFRA),
    KAFKA("kafka", "Kafka", 19092, Kind.INFRA),
    KEYCLOAK("keycloak", "Keycloak", 8180, Kind.INFRA),
    K8S("k8s", "Kubernetes API (mock)", 18443, Kind.INFRA),
    GEAR("gear", "gear-service", 8101, Kind.SERVICE),
    EXECUTION("execution", "execution-service", 8102, Kind.SERVICE),
    WAREHOUSE("warehouse", "warehouse-service", 8103, Kind.SERVICE),
    STORAGE("storage", "storage-service", 8104, Kind.SERVICE),
    BILLING("billing", "billing-service", 8105, Kind.SERVICE);

    public enum Kind {
        INFRA, SERVICE
    }

    private final String key;
    private final String displayName;
    private final int defaultPort;
    private final Kind kind;

    Component(String key, String displayName, int defaultPort, Kind kind) {
        this.key = key;
        this.displayName = displayName;
        this.defaultPort = defaultPort;
        this.kind = kind;
    }

    /** Short name used in options ({@code --gear-port}), the environment ({@code HYPERAI_GEAR_PORT}) and state files. */
    public String key() {
        return key;
    }

    public String displayName() {
        return displayName;
    }

    public int defaultPort() {
        return defaultPort;
    }

    public boolean isService() {
        return kind == Kind.SERVICE;
    }

    /** {@code --gear-port}. */
    public String portOption() {
        return "--" + key + "-port";
    }

    /** {@code HYPERAI_GEAR_PORT}. */
    public String portEnv() {
        return "HYPERAI_" + key.toUpperCase(Locale.ROOT) + "_PORT";
    }

    /** For services: the Maven module, the OIDC client id and the log file name, e.g. {@code gear-service}. */
    public String moduleName() {
        requireService();
        return key + "-service";
    }

    /** For services: the database name, e.g. {@code gear}. */
    public String database() {
        requireService();
        return key;
    }

    /** For services: the variable holding its base URL, e.g. {@code HYPERAI_GEAR_URL}. */
    public String urlEnv() {
        requireService();
        return "HYPERAI_" + key.toUpperCase(Locale.ROOT) + "_URL";
    }

    /** Log file name under {@code <data>/logs}. */
    public String logName() {
        return (isService() ? moduleName() : key) + ".log";
    }

    private void requireService() {
        if (!isService()) {
            throw new IllegalStateException(this + " is not a service");
        }
    }

    public static List<Component> services() {
        return Arrays.stream(values()).filter(Component::isService).collect(Collectors.toList());
    }

    /** Accepts {@code gear}, {@code gear-service} or {@code GEAR}. */
    public static Optional<Component> byName(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.endsWith("-service")) {
            n = n.substring(0, n.length() - "-service".length());
        }
        for (Component c : values()) {
            if (c.key.equals(n)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
