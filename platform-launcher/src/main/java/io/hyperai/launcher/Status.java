package io.hyperai.launcher;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Properties;

/** {@code ./platform status}: for each component, whether it runs, its port and whether it is ready. */
final class Status {

    static final int ALL_READY = 0;
    static final int NOT_ALL_READY = 1;
    static final int NOT_RUNNING = 3;

    private Status() {
    }

    static int run(Options opt, PrintStream out) {
        Path data = opt.dataDir();
        boolean running = RunState.isHeld(data);
        Properties p = RunState.read(data);
        if (running) {
            out.println("HyperAI platform: running (launcher pid " + p.getProperty("launcher.pid", "?") + ", since "
                    + p.getProperty("launcher.started", "?")
                    + (p.getProperty("launcher.ready") == null ? ", still starting" : "") + "; data " + data + ")");
        } else {
            out.println("HyperAI platform: not running (data " + data + ")");
        }
        out.printf("  %-22s %-6s %-8s %-8s %s%n", "COMPONENT", "PORT", "PID", "RESTARTS", "STATE");
        boolean allReady = true;
        for (Component c : Component.values()) {
            int port = running ? Integer.parseInt(p.getProperty("port." + c.key(), Integer.toString(opt.port(c))))
                    : opt.port(c);
            String recorded = running ? p.getProperty("state." + c.key(), "?") : "stopped";
            String pidText = running ? p.getProperty("pid." + c.key()) : null;
            long pid = pidText == null ? -1 : Procs.readPid(pidText).orElse(-1L);
            boolean alive = pid > 0 && Procs.isRunning(pid);
            String probe = probe(c, port);
            String shown;
            if ("skipped".equals(recorded)) {
                shown = "skipped" + (probe.equals("ready") ? " (something else answers on the port: ready)" : "");
            } else if (!running) {
                shown = probe.equals("down") ? "stopped"
                        : "not started by the launcher, but the port is in use (" + probe + ")";
            } else if (probe.equals("ready") && (alive || c == Component.K8S)) {
                shown = "ready";
            } else if (alive) {
                shown = "running, " + (recorded.equals("starting") ? "starting" : "not ready") + " (" + probe + ")";
                allReady = false;
            } else {
                shown = recorded.equals("exited") ? "exited (see logs/" + c.logName() + ")"
                        + (c.isService() ? ", restarting" : "") : "not running (" + probe + ")";
                allReady = false;
            }
            // services only: up restarts them when they exit on their own (Supervisor)
            String restarts = running && c.isService() ? p.getProperty("restarts." + c.key(), "0") : "-";
            out.printf("  %-22s %-6d %-8s %-8s %s%n", c.isService() ? c.moduleName() : c.displayName(), port,
                    alive ? Long.toString(pid) : "-", restarts, shown);
        }
        if (!running) {
            return NOT_RUNNING;
        }
        out.println("Logs: " + data.resolve("logs"));
        return allReady ? ALL_READY : NOT_ALL_READY;
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
