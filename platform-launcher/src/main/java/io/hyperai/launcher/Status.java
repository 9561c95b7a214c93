package io.hyperai.launcher;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/** {@code ./platform status}: for each component, whether it runs, its port and whether it is ready. */
final class Status {

    static final int ALL_READY = 0;
    static final int NOT_ALL_READY = 1;
    static final int NOT_RUNNING = 3;

    private static final String ROW = "  %-22s %-6s %-8s %-8s %s%n";

    private Status() {
    }

    static int run(Options opt, PrintStream out) {
        Path data = opt.dataDir();
        boolean running = RunState.isHeld(data);
        Properties p = RunState.read(data);
        if (running) {
            int replicas = Integer.parseInt(p.getProperty("replicas", "1"));
            out.println("HyperAI platform: running (launcher pid " + p.getProperty("launcher.pid", "?") + ", since "
                    + p.getProperty("launcher.started", "?")
                    + (p.getProperty("launcher.ready") == null ? ", still starting" : "")
                    + (replicas > 1 ? "; --replicas " + replicas : "") + "; data " + data + ")");
        } else {
            out.println("HyperAI platform: not running (data " + data + ")");
        }
        out.printf(ROW, "COMPONENT", "PORT", "PID", "RESTARTS", "STATE");
        boolean allReady = true;
        for (Component c : Component.values()) {
            int port = running ? Integer.parseInt(p.getProperty("port." + c.key(), Integer.toString(opt.port(c))))
                    : opt.port(c);
            List<Instance> instances = running && c.isService() ? RunState.instances(p, c) : List.of();
            if (instances.size() <= 1) {
                allReady &= row(out, p, running, c, c.key(), c.isService() ? c.moduleName() : c.displayName(),
                        c.logName(), port);
                continue;
            }
            allReady &= entryRow(out, p, c, port, instances.size());
            for (Instance i : instances) {
                allReady &= row(out, p, true, c, i.key(), "  " + i.name(), i.logName(), i.port());
            }
        }
        if (!running) {
            return NOT_RUNNING;
        }
        out.println("Logs: " + data.resolve("logs"));
        return allReady ? ALL_READY : NOT_ALL_READY;
    }

    /** The round robin in front of a service's instances: it lives in the launcher and answers while one does. */
    private static boolean entryRow(PrintStream out, Properties p, Component c, int port, int instances) {
        String probe = probe(c, port);
        String shown;
        if ("skipped".equals(p.getProperty("state." + c.key()))) {
            shown = "skipped";
        } else {
            shown = probe.equals("ready") ? "ready (round robin over " + instances + " instances)"
                    : "not ready (" + probe + ")";
        }
        out.printf(ROW, c.moduleName(), port, "-", "-", shown);
        return !shown.startsWith("not ready");
    }

    /**
     * One line: a component, or one instance of a service ({@code key} as in {@code run/platform.properties}).
     *
     * @return whether it counts as ready (a skipped one does not hold {@code status} back)
     */
    private static boolean row(PrintStream out, Properties p, boolean running, Component c, String key, String name,
            String logName, int port) {
        String recorded = running ? p.getProperty("state." + key, "?") : "stopped";
        String pidText = running ? p.getProperty("pid." + key) : null;
        long pid = pidText == null ? -1 : Procs.readPid(pidText).orElse(-1L);
        boolean alive = pid > 0 && Procs.isRunning(pid);
        String probe = probe(c, port);
        String shown;
        boolean ready = true;
        if ("skipped".equals(recorded)) {
            shown = "skipped" + (probe.equals("ready") ? " (something else answers on the port: ready)" : "");
        } else if (!running) {
            shown = probe.equals("down") ? "stopped"
                    : "not started by the launcher, but the port is in use (" + probe + ")";
        } else if (probe.equals("ready") && (alive || c == Component.K8S)) {
            shown = "ready";
        } else if (alive) {
            shown = "running, " + (recorded.equals("starting") ? "starting" : "not ready") + " (" + probe + ")";
            ready = false;
        } else {
            shown = recorded.equals("exited") ? "exited (see logs/" + logName + ")"
                    + (c.isService() ? ", restarting" : "") : "not running (" + probe + ")";
            ready = false;
        }
        // services only: up restarts them when they exit on their own (Supervisor)
        String restarts = running && c.isService() ? p.getProperty("restarts." + key, "0") : "-";
        out.printf(ROW, name, port, alive ? Long.toString(pid) : "-", restarts, shown);
        return ready;
    }

    /** "ready", "down", or what answered instead. */
    static String probe(Component c, int port) {
        switch (c) {
            case POSTGRES:
            case KAFKA:
                return PortCheck.accepts(port) ? "ready" : "down";
            case KEYCLOAK:
                return http(Keycloak.readinessUrl(port), port);
            case K8S:
                return http("http://127.0.0.1:" + port + "/api/v1/namespaces", port);
            default:
                return http(ServiceEnv.readinessUrl(port), port);
        }
    }

    private static String http(String url, int port) {
        int s = Http.status(url);
        if (s < 0) {
            return PortCheck.accepts(port) ? "no HTTP answer" : "down";
        }
        return s == 200 ? "ready" : "HTTP " + s;
    }
}
