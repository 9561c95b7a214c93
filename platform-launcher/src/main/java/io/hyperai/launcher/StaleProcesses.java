package io.hyperai.launcher;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * What a launcher that died without cleaning up (e.g. {@code kill -9}) left behind, as recorded in
 * {@code run/platform.properties}: Keycloak, the services and the Kafka broker, if they still run and are the very
 * processes recorded (same start time). PostgreSQL cleans up after itself on its next start.
 */
final class StaleProcesses {

    private StaleProcesses() {
    }

    static void stop(Path dataDir, PrintStream out) {
        Properties old = RunState.read(dataDir);
        List<Thread> threads = new ArrayList<>();
        for (Component c : Component.values()) {
            if (c == Component.POSTGRES || c == Component.K8S) {
                continue;
            }
            String pidText = old.getProperty("pid." + c.key());
            if (pidText == null) {
                continue;
            }
            long pid = Procs.readPid(pidText).orElse(-1L);
            long start = Long.parseLong(old.getProperty("pidstart." + c.key(), "0"));
            if (pid > 0 && Procs.isSameProcess(pid, start)) {
                out.println("Stopping " + c.displayName() + " (pid " + pid + ") left running by an earlier launcher");
                Thread t = new Thread(() -> Procs.stopTree(pid, Duration.ofSeconds(15)));
                t.start();
                threads.add(t);
            }
        }
        threads.forEach(Procs::join);
    }
}
