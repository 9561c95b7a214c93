package io.hyperai.cli;

import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

import picocli.CommandLine;

/** {@code hyperai}: exit code 0 on success, 1 on failure, 2 on a usage error. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err, System.getenv(), System.console() != null);
        System.exit(code);
    }

    /** The whole CLI without {@code System.exit}: for the launcher and for tests. */
    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env, boolean terminal) {
        return run(args, out, err, env, terminal, Clock.systemUTC());
    }

    /** As {@link #run(String[], PrintStream, PrintStream, Map, boolean)} on the given clock (tests: a fixed one). */
    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env, boolean terminal,
            Clock clock) {
        PrintWriter o = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        PrintWriter e = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        try {
            return commandLine(new Cli(env, o, e, terminal, clock)).execute(args);
        } finally {
            o.flush();
            e.flush();
        }
    }

    static CommandLine commandLine(Cli cli) {
        CommandLine commandLine = new CommandLine(Hyperai.class, new Factory(cli));
        commandLine.setOut(cli.out);
        commandLine.setErr(cli.err);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true); // -o JSON too
        commandLine.setParameterExceptionHandler((ex, args) -> {
            CommandLine cmd = ex.getCommandLine();
            cli.err.println("error: " + ex.getMessage());
            if (!cmd.getSubcommands().isEmpty()) {
                cmd.usage(cli.err);
            } else {
                cli.err.println("try `" + cmd.getCommandSpec().qualifiedName() + " --help`");
            }
            return CliException.USAGE;
        });
        commandLine.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof CliException failure) {
                cli.err.println("error: " + failure.getMessage());
                if (failure.exitCode() == CliException.USAGE) {
                    cli.err.println("try `" + cmd.getCommandSpec().qualifiedName() + " --help`");
                }
                return failure.exitCode();
            }
            Throwable cause = ex;
            while (cause.getCause() != null && cause.getMessage() == null) {
                cause = cause.getCause();
            }
            cli.err.println("error: " + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()));
            return CliException.FAILURE;
        });
        return commandLine;
    }

    /** Commands get the {@link Cli} through a constructor that takes it. */
    private static final class Factory implements CommandLine.IFactory {

        private final Cli cli;

        Factory(Cli cli) {
            this.cli = cli;
        }

        @Override
        public <K> K create(Class<K> type) throws Exception {
            try {
                Constructor<K> constructor = type.getDeclaredConstructor(Cli.class);
                constructor.setAccessible(true);
                return constructor.newInstance(cli);
            } catch (NoSuchMethodException e) {
                try {
                    Constructor<K> constructor = type.getDeclaredConstructor();
                    constructor.setAccessible(true);
                    return constructor.newInstance();
                } catch (NoSuchMethodException | InstantiationException noDefault) {
                    return CommandLine.defaultFactory().create(type);
                }
            }
        }
    }
}
