package io.hyperai.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** Operating-system process helpers (Linux). */
final class Procs {

    private static final boolean SETSID = Files.isExecutable(Path.of("/usr/bin/setsid"))
            || Files.isExecutable(Path.of("/bin/setsid"));

    private Procs() {
    }

    /** Whether {@code setsid} (util-linux) is there to start children in their own session and process group. */
    static boolean hasSetsid() {
        return SETSID;
    }

    /** Running, not a zombie. ({@link ProcessHandle#isAlive()} counts zombies as alive.) */
    static boolean isRunning(long pid) {
        if (pid <= 0) {
            return false;
        }
        ProcessHandle h = ProcessHandle.of(pid).orElse(null);
        if (h == null || !h.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return h.isAlive();
        }
    }

    /** The process start time in epoch milliseconds as the JDK reports it (0 if unknown); guards against pid reuse. */
    static long startMillis(long pid) {
        return ProcessHandle.of(pid).flatMap(h -> h.info().startInstant()).map(Instant::toEpochMilli).orElse(0L);
    }

    /** Whether {@code pid} is still the process that started at {@code startMillis} (within a second). */
    static boolean isSameProcess(long pid, long startMillis) {
        if (!isRunning(pid)) {
            return false;
        }
        long now = startMillis(pid);
        return startMillis == 0 || now == 0 || Math.abs(now - startMillis) < 1000;
    }

    /** The command line of a process, for messages. */
    static String commandLine(long pid) {
        return ProcessHandle.of(pid).flatMap(h -> h.info().commandLine()).orElse("?");
    }

    /** The process and all its descendants right now. */
    static List<ProcessHandle> tree(long pid) {
        List<ProcessHandle> out = new ArrayList<>();
        ProcessHandle.of(pid).ifPresent(h -> {
            out.add(h);
            out.addAll(h.descendants().collect(Collectors.toList()));
        });
        return out;
    }

    /** Sends a signal to a process group with the {@code kill} command; false if that failed. */
    static boolean signalGroup(long pgid, String signal) {
        return run("kill", "-" + signal, "--", "-" + pgid);
    }

    /** The process group of {@code pid} (-1 if unknown). */
    static long processGroup(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[2]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Stops a process and everything it started: SIGTERM to its process group (when it leads one) and to every
     * process of its tree, a bounded wait, then SIGKILL to whatever is left. The tree is captured before signalling
     * because a shell's children are re-parented (and no longer descendants) once the shell dies.
     *
     * @return true if everything was gone within {@code grace}, false if something had to be killed
     */
    static boolean stopTree(long pid, Duration grace) {
        List<ProcessHandle> tree = tree(pid);
        if (tree.isEmpty()) {
            return true;
        }
        boolean leader = processGroup(pid) == pid;
        if (leader) {
            signalGroup(pid, "TERM");
        }
        tree.forEach(ProcessHandle::destroy);
        if (waitGone(tree, grace)) {
            return true;
        }
        List<ProcessHandle> left = new ArrayList<>();
        for (ProcessHandle h : tree) {
            if (isRunning(h.pid())) {
                left.add(h);
                h.descendants().forEach(left::add);
            }
        }
        if (leader) {
            signalGroup(pid, "KILL");
        }
        left.forEach(ProcessHandle::destroyForcibly);
        waitGone(left, Duration.ofSeconds(5));
        return false;
    }

    static boolean waitGone(List<ProcessHandle> handles, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean any = handles.stream().anyMatch(h -> isRunning(h.pid()));
            if (!any) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            sleep(50);
        }
    }

    static Optional<Long> readPid(String text) {
        try {
            return Optional.of(Long.parseLong(text.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    static boolean run(String... command) {
        try {
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs each task on a thread of its own and returns when all have ended. */
    static void runAll(List<Runnable> tasks) {
        List<Thread> threads = new ArrayList<>();
        for (Runnable task : tasks) {
            Thread t = new Thread(task);
            t.start();
            threads.add(t);
        }
        threads.forEach(Procs::join);
    }

    static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
