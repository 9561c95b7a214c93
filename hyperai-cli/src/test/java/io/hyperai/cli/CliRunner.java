package io.hyperai.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the CLI's main entry in this JVM with its own environment, capturing what it prints. */
final class CliRunner {

    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private final Map<String, String> env;

    CliRunner(Map<String, String> env) {
        this.env = env;
    }

    Map<String, String> env() {
        return env;
    }

    /** A CLI run in another thread, for what must happen while it waits (a sign-in in the browser). */
    final class Running {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final ByteArrayOutputStream err = new ByteArrayOutputStream();
        private final CompletableFuture<Integer> code;
        private final String[] args;

        private Running(String[] args) {
            this.args = args;
            code = CompletableFuture.supplyAsync(() -> Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), env, false));
        }

        /** What it has printed on stderr so far. */
        String err() {
            return err.toString(StandardCharsets.UTF_8);
        }

        Result await(Duration within) throws Exception {
            Result result = new Result(code.get(within.toMillis(), TimeUnit.MILLISECONDS),
                    out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
            System.out.println("$ hyperai " + String.join(" ", args) + "\n" + result);
            return result;
        }
    }

    Running start(String... args) {
        return new Running(args);
    }

    Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env, false);
        Result result = new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        System.out.println("$ hyperai " + String.join(" ", args) + "\n" + result);
        return result;
    }
}
