package io.hyperai.launcher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** The parsed command line of the launcher (picocli, see {@link CommandLineSpec}). Pure: no I/O, so unit-tested. */
public final class Options {

    public enum Command {
        UP("start PostgreSQL, Kafka, Keycloak, a Kubernetes API and the five services; wait until all are ready; "
                + "Ctrl-C stops everything"),
        DOWN("stop the platform started by 'up' (same --data)"),
        STATUS("what runs, on which port, and whether it is ready"),
        RESTART("make the running 'up' stop (if it still runs) and start again one service (gear, execution, ...), "
                + "kafka or postgres, on the same ports and data"),
        HELP("this text");

        private final String description;

        Command(String description) {
            this.description = description;
        }

        String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        String description() {
            return description;
        }
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
    private final int replicas;
    private final String executionRuntime;

    private Options(Command command, Path dataDir, Map<Component, Integer> ports, Set<Component> explicitPorts,
            Set<Component> skipped, Duration timeout, Component target, int replicas, String executionRuntime) {
        this.command = command;
        this.dataDir = dataDir;
        this.ports = Collections.unmodifiableMap(ports);
        this.explicitPorts = Collections.unmodifiableSet(explicitPorts);
        this.skipped = Collections.unmodifiableSet(skipped);
        this.timeout = timeout;
        this.target = target;
        this.replicas = replicas;
        this.executionRuntime = executionRuntime;
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

    /** {@code --replicas}: instances of each service (1: each service is one process on its port, as always). */
    public int replicas() {
        return replicas;
    }

    /** {@code local} or what {@code HYPERAI_EXECUTION_RUNTIME} says (see {@link ServiceEnv#executionRuntime}). */
    public String executionRuntime() {
        return executionRuntime;
    }

    /** The processes of {@code service} (see {@link Replicas}). */
    List<Instance> instances(Component service) {
        return Replicas.instances(service, replicas, port(service));
    }

    /**
     * Parses {@code args}.
     *
     * @param env the environment ({@code HYPERAI_<NAME>_PORT}); the command line wins over it
     * @param cwd the directory that a relative {@code --data} is resolved against
     * @param home the project root; the default data directory is {@code <home>/.platform}
     */
    public static Options parse(String[] args, Map<String, String> env, Path cwd, Path home) {
        ParseResult root;
        try {
            root = CommandLineSpec.commandLine().parseArgs(args);
        } catch (CommandLine.UnmatchedArgumentException e) {
            String first = e.getUnmatched().get(0);
            throw new UsageException(first.startsWith("-") ? "Unknown option " + first
                    : "Unknown command '" + first + "' (expected one of up, down, status, restart, help)");
        } catch (CommandLine.ParameterException e) {
            throw new UsageException(e.getMessage());
        }
        ParseResult sub = root.subcommand();
        Command command = sub == null ? Command.HELP : Command.valueOf(sub.commandSpec().name().toUpperCase(Locale.ROOT));
        if (root.isUsageHelpRequested() || (sub != null && sub.isUsageHelpRequested())) {
            command = Command.HELP;
        }
        Values values = new Values(root, sub);

        Map<Component, Integer> ports = new EnumMap<>(Component.class);
        Set<Component> explicit = EnumSet.noneOf(Component.class);
        for (Component c : Component.values()) {
            Integer given = values.get(c.portOption());
            String fromEnv = env.get(c.portEnv());
            if (given != null) {
                ports.put(c, given);
            } else if (fromEnv != null && !fromEnv.isBlank()) {
                ports.put(c, parsePort(fromEnv.trim(), c.portEnv()));
            } else {
                ports.put(c, c.defaultPort());
                continue;
            }
            explicit.add(c);
        }
        Integer givenReplicas = values.get(CommandLineSpec.REPLICAS);
        int replicas = givenReplicas == null ? Replicas.DEFAULT : givenReplicas;
        String runtime = ServiceEnv.executionRuntime(env);
        requireDistinct(ports, replicas);

        Set<Component> skipped = EnumSet.noneOf(Component.class);
        if (Boolean.TRUE.equals(values.get(CommandLineSpec.INFRA_ONLY))) {
            skipped.addAll(Component.services());
        }
        for (ParseResult r : values.results) {
            Component[] skip = r.matchedOptionValue(CommandLineSpec.SKIP, new Component[0]);
            skipped.addAll(List.of(skip));
        }

        Component target = null;
        if (command == Command.RESTART) {
            String name = sub.matchedPositionalValue(0, null);
            if (name == null) {
                throw new UsageException("restart needs a component: gear, execution, warehouse, storage, billing, "
                        + "kafka or postgres");
            }
            target = Component.byName(name).filter(Options::restartable).orElseThrow(() -> new UsageException(
                    "restart: '" + name + "' cannot be restarted (gear, execution, warehouse, storage, billing, "
                            + "kafka, postgres)"));
        }

        String data = values.get(CommandLineSpec.DATA);
        if (data != null && data.isBlank()) {
            throw new UsageException("--data needs a directory");
        }
        Path dataDir = data == null ? home.resolve(DEFAULT_DATA_DIR) : cwd.resolve(data);
        Duration timeout = values.get(CommandLineSpec.TIMEOUT);
        return new Options(command, dataDir.toAbsolutePath().normalize(), ports, explicit, skipped,
                timeout == null ? DEFAULT_TIMEOUT : timeout, target, replicas, runtime);
    }

    /** An option's value given after the command, else before it, else null. */
    private static final class Values {
        final List<ParseResult> results;

        Values(ParseResult root, ParseResult sub) {
            this.results = sub == null ? List.of(root) : List.of(sub, root);
        }

        <T> T get(String option) {
            for (ParseResult r : results) {
                if (r.hasMatchedOption(option)) {
                    return r.matchedOptionValue(option, null);
                }
            }
            return null;
        }
    }

    /** The usage text: what {@code ./platform help} prints (the script keeps a copy, see LauncherHelpTest). */
    public static String usage() {
        return CommandLineSpec.commandLine().getUsageMessage();
    }

    /** What a running {@code up} can stop and start again on its own: the services, the Kafka broker, PostgreSQL. */
    static boolean restartable(Component c) {
        return c.isService() || c == Component.KAFKA || c == Component.POSTGRES;
    }

    static int parsePort(String value, String what) {
        try {
            return portNumber(value);
        } catch (IllegalArgumentException e) {
            throw new UsageException(what + ": " + e.getMessage());
        }
    }

    /** 1-65535; otherwise an IllegalArgumentException that says why. */
    static int portNumber(String value) {
        int port;
        try {
            port = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + value + "' is not a port number");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range (1-65535)");
        }
        return port;
    }

    /**
     * Every component and every numbered instance on a port of its own (skipped services' instances too: a restart
     * may start them).
     */
    private static void requireDistinct(Map<Component, Integer> ports, int replicas) {
        Map<String, Integer> wanted = new LinkedHashMap<>();
        ports.forEach((c, port) -> wanted.put(c.key(), port));
        for (Component s : Component.services()) {
            for (Instance i : Replicas.instances(s, replicas, ports.get(s))) {
                if (i.numbered() && i.port() > 65535) {
                    throw new UsageException("--replicas " + replicas + " puts " + i.key() + " on port " + i.port()
                            + ", out of range (instance n listens on " + s.portOption() + " + " + Replicas.PORT_STEP
                            + " n); choose a lower " + s.portOption());
                }
                wanted.putIfAbsent(i.key(), i.port());
            }
        }
        Map<Integer, String> seen = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> e : wanted.entrySet()) {
            String other = seen.putIfAbsent(e.getValue(), e.getKey());
            if (other != null) {
                throw new UsageException("Port " + e.getValue() + " is given to both " + other + " and "
                        + e.getKey() + "; each component needs its own port"
                        + (Component.byName(e.getKey()).isPresent() ? "" // an instance: say where its port comes from
                                : " (instance n of a service listens on its port + " + Replicas.PORT_STEP + " n)"));
            }
        }
    }
}
