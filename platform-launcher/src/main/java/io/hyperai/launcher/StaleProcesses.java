package io.hyperai.launcher;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * What a launcher that died without cleaning up (e.g. {@code kill -9}) left behind, as recorded in
 * {@code run/platform.properties}: Keycloak, the services' instances and the Kafka broker, if they still run and are
 * the very processes recorded (same start time). PostgreSQL cleans up after itself on its next start.
 */
final class StaleProcesses {

    private StaleProcesses() {
    }

    static void stop(Path dataDir, PrintStream out) {
        Properties old = RunState.read(dataDir);
        List<Runnable> stops = new ArrayList<>();
        // every recorded pid: a component's (pid.kafka) or a service instance's (pid.billing-2)
        for (String name : old.stringPropertyNames()) {
            String key = name.startsWith("pid.") ? name.substring("pid.".length()) : null;
            if (key == null || key.equals(Component.POSTGRES.key()) || key.equals(Component.K8S.key())) {
                continue;
            }
            long pid = Procs.readPid(old.getProperty(name)).orElse(-1L);
            long start = Long.parseLong(old.getProperty("pidstart." + key, "0"));
            if (pid > 0 && Procs.isSameProcess(pid, start)) {
                String what = Component.byName(key).map(Component::displayName).orElse(key);
                out.println("Stopping " + what + " (pid " + pid + ") left running by an earlier launcher");
                stops.add(() -> Procs.stopTree(pid, Duration.ofSeconds(15)));
            }
        }
        Procs.runAll(stops);
    }
}
