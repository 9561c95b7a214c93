package io.hyperai.launcher;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;

/** {@code ./platform down}: asks the running {@code up} to stop (SIGTERM) and waits until everything is gone. */
final class Down {

    static final long WAIT_SECONDS = 180;

    private Down() {
    }

    static int run(Options opt, PrintStream out) {
        Path data = opt.dataDir();
        if (!RunState.isHeld(data)) {
            RunState lock = new RunState(data);
            if (lock.tryLock()) { // no launcher can start meanwhile
                try {
                    StaleProcesses.stop(data, out);
                } finally {
                    lock.unlock();
                }
            }
            out.println("The platform is not running (data " + data + ").");
            return 0;
        }
        Optional<Long> pid = RunState.launcherPid(data);
        Optional<ProcessHandle> launcher = pid.flatMap(ProcessHandle::of).filter(h -> Procs.isRunning(h.pid()));
        if (launcher.isEmpty()) {
            out.println("The platform's lock in " + data.resolve("run") + " is held, but its launcher pid is unknown;"
                    + " stop it with Ctrl-C where it runs.");
            return 1;
        }
        long t0 = System.nanoTime();
        out.println("Stopping the platform (launcher pid " + pid.get() + ", data " + data + ") ...");
        out.flush();
        launcher.get().destroy(); // SIGTERM: the launcher stops everything in reverse order
        long deadline = System.nanoTime() + WAIT_SECONDS * 1_000_000_000L;
        while (RunState.isHeld(data) || Procs.isRunning(pid.get())) {
            if (System.nanoTime() > deadline) {
                out.println("The launcher did not stop within " + WAIT_SECONDS + " s; killing it"
                        + " (its watchdog then stops the rest).");
                launcher.get().destroyForcibly();
                Procs.sleep(2000);
                StaleProcesses.stop(data, out);
                return 1;
            }
            Procs.sleep(200);
        }
        out.printf("Stopped (%.1f s).%n", (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
