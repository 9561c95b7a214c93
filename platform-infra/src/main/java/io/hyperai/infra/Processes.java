package io.hyperai.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Process helpers. */
public final class Processes {

    private Processes() {
    }

    /**
     * Whether {@code pid} is a running process. Unlike {@link ProcessHandle#isAlive()} this treats a
     * zombie (exited, not yet reaped) as gone: orphans are reparented to PID 1, which may reap them
     * only seconds later.
     */
    static boolean isRunning(long pid) {
        ProcessHandle h = ProcessHandle.of(pid).orElse(null);
        if (h == null || !h.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            int close = stat.lastIndexOf(')');
            char state = stat.charAt(close + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return h.isAlive();
        }
    }

    /**
     * A {@code sh} that reads its stdin (a pipe from this JVM) until EOF, i.e. until this JVM dies,
     * then terminates {@code pid} (SIGTERM, SIGKILL after 10 s). Destroy the returned process to
     * disarm it before stopping the child yourself.
     */
    public static Process killWhenParentDies(long pid, String name) {
        String script = "while read -r _; do :; done; kill -TERM \"$1\" 2>/dev/null; i=0; "
                + "while kill -0 \"$1\" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; "
                + "kill -KILL \"$1\" 2>/dev/null";
        try {
            return new ProcessBuilder("sh", "-c", script, "hyperai-watch-" + name, Long.toString(pid))
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot watch " + name, e);
        }
    }
}
