package io.hyperai.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

/** Runs the CLI's main entry in this JVM with its own environment, capturing what it prints. */
final class CliRunner {

    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private final Map<String, String> env;
    private final Clock clock;

    CliRunner(Map<String, String> env) {
        this(env, Clock.systemUTC());
    }

    /** On the given clock: a fixed one makes relative times ({@code 3m 00s ago}, {@code in 12m 00s}) exact. */
    CliRunner(Map<String, String> env, Clock clock) {
        this.env = env;
        this.clock = clock;
    }

    Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env, false, clock);
        Result result = new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        System.out.println("$ hyperai " + String.join(" ", args) + "\n" + result);
        return result;
    }
}
