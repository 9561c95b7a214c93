package io.hyperai.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Process helpers. */
final class Processes {

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
}
