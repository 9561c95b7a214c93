package io.hyperai.launcher;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes the launcher's children die with it, even on {@code kill -9}: a tiny {@code sh} (in its own session, so a
 * signal to the launcher's process group spares it) reads "+pid" / "-pid" lines from a pipe that only the launcher
 * holds. When the pipe reaches EOF, i.e. when the launcher is gone, it sends SIGTERM to each pid still registered
 * (to its process group when it leads one, as children started with {@code setsid} do), waits up to 30 s and sends
 * SIGKILL to what is left. A clean stop unregisters every pid first, so then the watchdog just exits.
 */
final class Watchdog implements AutoCloseable {

    static final String SCRIPT = String.join("\n",
            "pids=''",
            "while IFS= read -r line; do",
            "  case \"$line\" in",
            "    +*) pids=\"$pids ${line#+}\" ;;",
            "    -*) p=\"${line#-}\"; keep=''; for q in $pids; do [ \"$q\" = \"$p\" ] || keep=\"$keep $q\"; done; pids=\"$keep\" ;;",
            "  esac",
            "done",
            "[ -z \"$pids\" ] && exit 0",
            "for p in $pids; do kill -TERM -$p 2>/dev/null || kill -TERM $p 2>/dev/null; done",
            "i=0",
            "while [ $i -lt 150 ]; do",
            "  alive=''",
            "  for p in $pids; do if kill -0 -$p 2>/dev/null || kill -0 $p 2>/dev/null; then alive=\"$alive $p\"; fi; done",
            "  [ -z \"$alive\" ] && exit 0",
            "  sleep 0.2; i=$((i+1))",
            "done",
            "for p in $pids; do kill -KILL -$p 2>/dev/null; kill -KILL $p 2>/dev/null; done",
            "exit 0");

    private final Process process;
    private OutputStream pipe;

    private Watchdog(Process process) {
        this.process = process;
        this.pipe = process.getOutputStream();
    }

    static Watchdog start() {
        List<String> cmd = new ArrayList<>();
        if (Procs.hasSetsid()) {
            cmd.add("setsid");
        }
        cmd.add("sh");
        cmd.add("-c");
        cmd.add(SCRIPT);
        cmd.add("hyperai-platform-watchdog");
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return new Watchdog(p);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the watchdog (sh)", e);
        }
    }

    long pid() {
        return process.pid();
    }

    synchronized void watch(long pid) {
        send("+" + pid);
    }

    synchronized void forget(long pid) {
        send("-" + pid);
    }

    private void send(String line) {
        if (pipe == null) {
            return;
        }
        try {
            pipe.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            pipe.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("The watchdog is gone", e);
        }
    }

    /** Closes the pipe: the watchdog stops whatever is still registered, then exits. */
    @Override
    public synchronized void close() {
        if (pipe == null) {
            return;
        }
        try {
            pipe.close();
        } catch (IOException e) {
            // already gone
        }
        pipe = null;
        try {
            process.waitFor(40, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
