package io.hyperai.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * {@code ./platform restart <component>}: asks the running {@code up} (which owns the processes, their environment and
 * the watchdog) to stop one service or the Kafka broker if it still runs and to start it again, then waits for the
 * outcome (a service's instances one after the other). The request is a file in {@code <data>/run} that {@code up}
 * picks up within a second; {@code up} deletes it when it begins (state {@code restarting}, then {@code stopped},
 * {@code starting}) and records {@code state.<component>} = {@code ready} or {@code failed} when it is done.
 */
final class Restart {

    static final String RESTARTING = "restarting";
    static final String FAILED = "failed";

    private Restart() {
    }

    static Path requestFile(Path dataDir, Component c) {
        return dataDir.resolve("run").resolve("restart-" + c.key() + ".request");
    }

    /** The component whose restart is requested, if any (read by {@code up}). */
    static Optional<Component> pending(Path dataDir) {
        for (Component c : Component.values()) {
            if (Options.restartable(c) && Files.exists(requestFile(dataDir, c))) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** {@code pid 123}, or with several instances {@code pids 123, 456} (restarted one after the other). */
    static String pids(Properties state, Component c) {
        List<String> keys = RunState.processKeys(state, c);
        return (keys.size() == 1 ? "pid " : "pids ") + keys.stream()
                .map(key -> state.getProperty("pid." + key, "?")).collect(Collectors.joining(", "));
    }

    static int run(Options opt, PrintStream out) {
        Path data = opt.dataDir();
        Component c = opt.target();
        if (!RunState.isHeld(data)) {
            out.println("The platform is not running (data " + data + "); nothing to restart.");
            return 3;
        }
        long t0 = System.nanoTime();
        Path request = requestFile(data, c);
        try {
            Path tmp = request.resolveSibling(request.getFileName() + ".tmp");
            Files.writeString(tmp, ProcessHandle.current().pid() + "\n");
            Files.move(tmp, request, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + request, e);
        }
        out.println("Restarting " + c.displayName() + " (data " + data + ") ...");
        out.flush();
        long deadline = System.nanoTime() + opt.timeout().toNanos() + 60_000_000_000L;
        String state = RESTARTING;
        while (Files.exists(request) || !("ready".equals(state) || FAILED.equals(state))) {
            if (System.nanoTime() > deadline || !RunState.isHeld(data)) {
                out.println("No outcome: the platform " + (RunState.isHeld(data) ? "did not answer in time" : "stopped"));
                return 1;
            }
            Procs.sleep(200);
            Properties p = RunState.read(data);
            state = p.getProperty("state." + c.key(), "?");
        }
        if ("ready".equals(state)) {
            out.printf("%s ready again, %s (%.1f s)%n", c.displayName(), pids(RunState.read(data), c),
                    (System.nanoTime() - t0) / 1e9);
            return 0;
        }
        out.println(c.displayName() + " did not come back (" + state + "); see " + data.resolve("logs")
                .resolve(c.logName()));
        return 1;
    }
}
