package io.hyperai.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the parts of {@code up} share: the options, the directories, the run state, the watchdog, the console. */
final class UpContext {

    final Options opt;
    final Path home;
    final Path data;
    final Path logs;
    final RunState state;
    final PrintStream out;
    /** Set once {@code up} has checked everything and starts processes. */
    Watchdog watchdog;

    UpContext(Options opt, Path home, PrintStream out) {
        this.opt = opt;
        this.home = home;
        this.data = opt.dataDir();
        this.logs = data.resolve("logs");
        this.state = new RunState(data);
        this.out = out;
    }

    int port(Component c) {
        return opt.port(c);
    }

    /** A line of progress, indented under the headline. */
    void say(String line) {
        out.println("  " + line);
        out.flush();
    }

    /** {@code logs/<name>} points at a log the library keeps next to its data directory. */
    void link(String name, Path target) {
        Path link = logs.resolve(name);
        try {
            if (Files.isSymbolicLink(link) || !Files.exists(link)) {
                Files.deleteIfExists(link);
                Files.createSymbolicLink(link, logs.relativize(target));
            }
        } catch (IOException | UnsupportedOperationException e) {
            // only a convenience
        }
    }

    static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
