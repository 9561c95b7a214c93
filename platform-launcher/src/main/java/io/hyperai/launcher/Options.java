package io.hyperai.launcher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The parsed command line of the launcher. Pure: no I/O, so it is unit-tested directly. */
public final class Options {

    public enum Command {
        UP, DOWN, STATUS, RESTART, HELP
    }

    /** Thrown for a command line the launcher cannot run; the message is meant for the user. */
    public static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public UsageException(String message) {
            super(message);
        }
    }

    public static final String DEFAULT_DATA_DIR = ".platform";
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(300);

    private final Command command;
    private final Path dataDir;
    private final Map<Component, Integer> ports;
    private final Set<Component> explicitPorts;
    private final Set<Component> skipped;
    private final Duration timeout;
    private final Component target;

    private Options(Command command, Path dataDir, Map<Component, Integer> ports, Set<Component> explicitPorts,
            Set<Component> skipped, Duration timeout, Component target) {
        this.command = command;
        this.dataDir = dataDir;
        this.ports = Collections.unmodifiableMap(ports);
        this.explicitPorts = Collections.unmodifiableSet(explicitPorts);
        this.skipped = Collections.unmodifiableSet(skipped);
        this.timeout = timeout;
        this.target = target;
    }

    /** For {@code restart}: the component to restart (a service, {@code kafka} or {@code postgres}). */
    public Component target() {
        return target;
    }

    public Command command() {
        return command;
    }

    /** Absolute and normalized. */
    public Path dataDir() {
        return dataDir;
    }

    public int port(Component c) {
        return ports.get(c);
    }

    public Map<Component, Integer> ports() {
        return ports;
    }

    /** Components whose port was given on the command line or in the environment. */
    public Set<Component> explicitPorts() {
        return explicitPorts;
    }

    /** Services not to start ({@code --skip}, {@code --infra-only}). */
    public Set<Component> skipped() {
        return skipped;
    }

    public boolean runs(Component c) {
        return !skipped.contains(c);
    }

    /** Upper bound for each readiness wait (Keycloak, the services). */
    public Duration timeout() {
        return timeout;
    }

    /**
     * Parses {@code args}.
     *
     * @param env the environment ({@code HYPERAI_<NAME>_PORT}); the command line wins over it
     * @param cwd the directory that a relative {@code --data} is resolved against
     * @param home the project root; the default data directory is {@code <home>/.platform}
     */
    public static Options parse(String[] args, Map<String, String> env, Path cwd, Path home) {
        Command command = null;
        Path data = null;
        Map<Component, Integer> ports = new EnumMap<>(Component.class);
        Set<Component> explicit = EnumSet.noneOf(Component.class);
        Set<Component> skipped = EnumSet.noneOf(Component.class);
        Duration timeout = DEFAULT_TIMEOUT;
        Component target = null;

        Map<String, Component> portOptions = new HashMap<>();
        for (Component c : Component.values()) {
            portOptions.put(c.portOption(), c);
            String fromEnv = env.get(c.portEnv());
            if (fromEnv != null && !fromEnv.isBlank()) {
                ports.put(c, parsePort(fromEnv.trim(), c.portEnv()));
                explicit.add(c);
            }
        }

        List<String> rest = new ArrayList<>(List.of(args));
        for (int i = 0; i < rest.size(); i++) {
            String arg = rest.get(i);
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            switch (name) {
                case "up":
                case "down":
                case "status":
                case "restart":
                case "help":
                    if (command != null) {
                        throw new UsageException("Only one command, please: '" + command.name().toLowerCase()
                                + "' and '" + name + "'");
                    }
                    command = Command.valueOf(name.toUpperCase());
                    continue;
                case "-h":
                case "--help":
                    command = Command.HELP;
                    continue;
                case "--infra-only":
                    requireNoValue(name, value);
                    skipped.addAll(Component.services());
                    continue;
                default:
                    break;
            }
            if (!name.startsWith("-") && command == Command.RESTART && target == null) {
                target = Component.byName(arg).filter(Options::restartable).orElseThrow(() -> new UsageException(
                        "restart: '" + arg + "' cannot be restarted (gear, execution, warehouse, storage, billing, "
                                + "kafka, postgres)"));
                continue;
            }
            if (!name.startsWith("-")) {
                throw new UsageException("Unknown command '" + arg + "' (expected up, down, status or restart)");
            }
            if (value == null) {
                if (i + 1 >= rest.size()) {
                    throw new UsageException("Option " + name + " needs a value");
                }
                value = rest.get(++i);
            }
            switch (name) {
                case "--data":
                    if (value.isBlank()) {
                        throw new UsageException("--data needs a directory");
                    }
                    data = cwd.resolve(value);
                    break;
                case "--skip":
                    for (String s : value.split(",")) {
                        if (s.isBlank()) {
                            continue;
                        }
                        Component c = Component.byName(s)
                                .filter(Component::isService)
                                .orElseThrow(() -> new UsageException("--skip: '" + s.trim()
                                        + "' is not a service (gear, execution, warehouse, storage, billing)"));
                        skipped.add(c);
                    }
                    break;
                case "--timeout":
                    try {
                        long seconds = Long.parseLong(value.trim());
                        if (seconds <= 0) {
                            throw new NumberFormatException();
                        }
                        timeout = Duration.ofSeconds(seconds);
                    } catch (NumberFormatException e) {
                        throw new UsageException("--timeout needs a positive number of seconds, not '" + value + "'");
                    }
                    break;
                default:
                    Component c = portOptions.get(name);
                    if (c == null) {
                        throw new UsageException("Unknown option " + name);
                    }
                    ports.put(c, parsePort(value.trim(), name));
                    explicit.add(c);
            }
        }
        for (Component c : Component.values()) {
            ports.putIfAbsent(c, c.defaultPort());
        }
        requireDistinct(ports);
        if (command == null) {
            command = Command.HELP;
        }
        if (command == Command.RESTART && target == null) {
            throw new UsageException("restart needs a component: gear, execution, warehouse, storage, billing, kafka or postgres");
        }
        if (data == null) {
            data = home.resolve(DEFAULT_DATA_DIR);
        }
        return new Options(command, data.toAbsolutePath().normalize(), ports, explicit, skipped, timeout, target);
    }

    /** What a running {@code up} can stop and start again on its own: the services, the Kafka broker, PostgreSQL. */
    static boolean restartable(Component c) {
        return c.isService() || c == Component.KAFKA || c == Component.POSTGRES;
    }

    private static void requireNoValue(String name, String value) {
        if (value != null) {
            throw new UsageException(name + " takes no value");
        }
    }

    static int parsePort(String value, String what) {
        int port;
        try {
            port = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new UsageException(what + ": '" + value + "' is not a port number");
        }
        if (port < 1 || port > 65535) {
            throw new UsageException(what + ": port " + port + " is out of range (1-65535)");
        }
        return port;
    }

    private static void requireDistinct(Map<Component, Integer> ports) {
        Map<Integer, Component> seen = new LinkedHashMap<>();
        for (Map.Entry<Component, Integer> e : ports.entrySet()) {
            Component other = seen.putIfAbsent(e.getValue(), e.getKey());
            if (other != null) {
                throw new UsageException("Port " + e.getValue() + " is given to both " + other.key() + " and "
                        + e.getKey().key() + "; each component needs its own port");
            }
        }
    }

    public static String usage() {
        StringBuilder sb = new StringBuilder();
        sb.append("Usage: ./platform up|down|status|restart [options]\n\n")
                .append("  up       start PostgreSQL, Kafka, Keycloak, a Kubernetes API and the five services;\n")
                .append("           wait until all are ready; Ctrl-C stops everything\n")
                .append("  down     stop the platform started by 'up' (same --data)\n")
                .append("  status   what runs, on which port, and whether it is ready\n")
                .append("  restart COMPONENT  make the running 'up' stop (if it still runs) and start again one\n")
                .append("           service (gear, execution, ...), kafka or postgres, on the same ports and data\n\n")
                .append("Options:\n")
                .append("  --data DIR          state, logs and downloads (default: <project>/").append(DEFAULT_DATA_DIR)
                .append(")\n")
                .append("  --skip a,b          do not start these services (e.g. to run one in quarkus:dev yourself)\n")
                .append("  --infra-only        start only PostgreSQL, Kafka, Keycloak and the Kubernetes API\n")
                .append("  --timeout SECONDS   readiness wait per step (default ").append(DEFAULT_TIMEOUT.toSeconds())
                .append(")\n");
        for (Component c : Component.values()) {
            sb.append(String.format("  %-20s %s port (default %d; env %s)%n", c.portOption() + " N", c.key(),
                    c.defaultPort(), c.portEnv()));
        }
        sb.append("\nEnvironment:\n")
                .append("  HYPERAI_SERVICE_JAVA_OPTS   JVM options of the five services (default: ")
                .append(ServiceEnv.DEFAULT_JAVA_OPTS).append(")\n");
        return sb.toString();
    }
}
