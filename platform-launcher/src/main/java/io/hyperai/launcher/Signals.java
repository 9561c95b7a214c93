package io.hyperai.launcher;

import sun.misc.Signal;

/**
 * SIGINT, SIGTERM and SIGHUP ask the launcher to stop in order. A JVM shutdown hook would not do: the infrastructure
 * library's own hooks (PostgreSQL, Kafka) run in parallel with it, so the database could stop before the services.
 */
final class Signals {

    private Signals() {
    }

    static void onStop(Runnable action) {
        for (String name : new String[] { "INT", "TERM", "HUP" }) {
            try {
                Signal.handle(new Signal(name), s -> action.run());
            } catch (IllegalArgumentException e) {
                // signal not available (e.g. HUP when the JVM runs with -Xrs); the others still work
            }
        }
    }
}
