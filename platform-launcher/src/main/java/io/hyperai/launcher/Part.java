package io.hyperai.launcher;

import java.nio.file.Path;
import java.util.List;

/**
 * One thing {@code ./platform up} runs (PostgreSQL, Kafka, Keycloak, the Kubernetes API with its fake kubelet, a
 * service) behind the one contract that {@link Up}'s start loop, its monitor, {@code ./platform restart} and the stop
 * use: prepare, start, poll until ready, stop.
 */
abstract class Part {

    final Component component;
    final UpContext ctx;

    Part(Component component, UpContext ctx) {
        this.component = component;
        this.ctx = ctx;
    }

    /** The name in progress lines, e.g. {@code PostgreSQL} or {@code gear}. */
    abstract String label();

    /** Its key in {@code run/platform.properties} ({@code state.<key>}, {@code pid.<key>}). */
    String stateKey() {
        return component.key();
    }

    /** Work before any process starts (a download, a check); nothing to stop afterwards. */
    void prepare() {
    }

    /** Starts it; PostgreSQL, Kafka and the Kubernetes API are ready when this returns. */
    abstract void start();

    /** Whether there is something to stop. */
    abstract boolean started();

    /** Polled after {@link #start} until true, within {@code --timeout}; a part whose start blocks is ready at once. */
    boolean ready() {
        return true;
    }

    /** Once ready: e.g. Keycloak records that its realm is imported. */
    void becameReady() {
    }

    /** Why it will never become ready (its process exited), or null while it may. */
    String failure() {
        return null;
    }

    /** The log shown when it fails. */
    abstract Path log();

    /** Where it answers, for the line that says it is ready. */
    abstract String address();

    /** What else that line says, e.g. {@code ; 10 topics}. */
    String readyDetail() {
        return "";
    }

    /** Appended to "starting on port N". */
    String startingDetail() {
        return "";
    }

    /** Appended to "not ready within N s", e.g. what the readiness URL answered. */
    String notReadyDetail() {
        return "";
    }

    /** False once it has exited on its own after it was ready (the monitor reports that). */
    boolean running() {
        return true;
    }

    /** It exited on its own (a pid the watchdog watched may now be reused). */
    void exited() {
    }

    /** Stops it, bounded; returns a note for the "Stopped" line (e.g. that it had to be killed). */
    abstract String stop();

    /** For {@code ./platform restart}: stopped if it still runs, then started again on the same port and data. */
    void restart() {
        if (started()) {
            stop();
        }
        start();
    }

    /**
     * What {@code ./platform restart} restarts one after the other, each ready before the next: the part itself, or
     * the instances of a service (so that its round robin always has one to send requests to).
     */
    List<Part> restartSteps() {
        return List.of(this);
    }
}
