package io.hyperai.cli;

import java.io.PrintWriter;
import java.util.Locale;

/** A progress bar on stderr, redrawn at most ten times a second; silent when stderr is not a terminal. */
public class Progress implements AutoCloseable {

    /** Starts one bar per transfer. */
    public interface Factory {
        Progress start(String label, long total);
    }

    public static final Factory NONE = (label, total) -> new Progress(null, label, total);

    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final String label;
    private final long total;
    private long done;
    private long drawnAt;

    Progress(PrintWriter err, String label, long total) {
        this.err = err;
        this.label = label;
        this.total = total;
    }

    public static Factory on(PrintWriter err) {
        return (label, total) -> new Progress(err, label, total);
    }

    public synchronized void advance(long bytes) {
        done += bytes;
        long now = System.nanoTime();
        if (err != null && now - drawnAt > 100_000_000L) {
            drawnAt = now;
            draw();
        }
    }

    private void draw() {
        err.print("\r" + line(label, done, total));
        err.flush();
    }

    /** {@code data.bin [###########-------------------]  37%  1.2 MiB/3.3 MiB}, or without a bar when the total is unknown. */
    static String line(String label, long done, long total) {
        if (total <= 0) {
            return label + "  " + Format.size(done);
        }
        int percent = (int) Math.min(100, done * 100 / total);
        int filled = (int) Math.min(WIDTH, done * WIDTH / total);
        return String.format(Locale.ROOT, "%s [%s%s] %3d%%  %s/%s", label, "#".repeat(filled),
                "-".repeat(WIDTH - filled), percent, Format.size(done), Format.size(total));
    }

    @Override
    public synchronized void close() {
        if (err != null) {
            draw();
            err.println();
            err.flush();
        }
    }
}
