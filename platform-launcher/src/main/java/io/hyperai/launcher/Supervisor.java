package io.hyperai.launcher;

import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Restarts a service's instance that exits unasked (a crash, {@code -XX:+ExitOnOutOfMemoryError}, kill -9) after
 * a {@link Backoff} delay that grows with each exit in a row and starts over once the service stayed ready for
 * {@code stable}. An instance that runs but is not live (its {@code /q/health/live} fails {@link #LIVENESS_FAILURES}
 * checks {@link #LIVENESS_PERIOD} apart, as a consumer channel that failed makes it) is stopped and restarted the same
 * way, as the liveness probe of deploy/base/services has Kubernetes do. It acts only in {@link #tick}, which
 * {@code up} calls from the same thread that carries out {@code ./platform restart} and that returns before
 * {@code down} stops anything: a stop that was asked for is never mistaken for a crash.
 */
final class Supervisor {

    static final Duration STABLE = Duration.ofSeconds(60);
    /** The liveness probe of deploy/base/services/template/service.yaml: every 10 s, restarted after 3 failures. */
    static final Duration LIVENESS_PERIOD = Duration.ofSeconds(10);
    static final int LIVENESS_FAILURES = 3;
    /** How long a stop for not being live waits after SIGTERM (the services' shutdown timeout) before SIGKILL. */
    static final Duration NOT_LIVE_GRACE = Duration.ofSeconds(10);

    /** What the supervisor needs from {@code up}. */
    interface Services {
        /** Starts the instance again as {@code up} did; that start calls {@link Supervisor#watch}. */
        void start(Instance instance);

        boolean ready(Instance instance);

        /** Whether the instance, once ready, still says it is live ({@code /q/health/live}). */
        boolean live(Instance instance);

        /** The process is gone (its pid may be reused: the watchdog must forget it). */
        void exited(Instance instance, ChildProcess process);
    }

    private static final long NONE = Long.MIN_VALUE;

    private static final class Watched {
        ChildProcess process;
        int restarts;
        int exitsInARow;
        long restartAt = NONE;
        long readySince = NONE;
        long livenessDueAt = NONE;
        int notLiveInARow;
    }

    private final Services services;
    private final RunState state;
    private final PrintStream out;
    private final Backoff backoff;
    private final Duration stable;
    private final LongSupplier nanoClock;
    /** Each instance on its own: one that exits is restarted while the others keep serving. */
    private final Map<Instance, Watched> watched = new LinkedHashMap<>();

    Supervisor(Services services, RunState state, PrintStream out, Backoff backoff, Duration stable,
            LongSupplier nanoClock) {
        this.services = services;
        this.state = state;
        this.out = out;
        this.backoff = backoff;
        this.stable = stable;
        this.nanoClock = nanoClock;
    }

    /** From now on {@code process} is the instance, whoever started it ({@code up}, {@code restart} or this). */
    void watch(Instance instance, ChildProcess process) {
        Watched w = watched.computeIfAbsent(instance, i -> new Watched());
        w.process = process;
        w.restartAt = NONE;
        w.readySince = NONE;
        w.notLiveInARow = 0;
    }

    /** Restarts since {@code up} began. */
    int restarts(Instance instance) {
        Watched w = watched.get(instance);
        return w == null ? 0 : w.restarts;
    }

    /** Notices exits, starts what is due, and records when a restarted service is ready. */
    void tick() {
        long now = nanoClock.getAsLong();
        for (Instance s : List.copyOf(watched.keySet())) {
            Watched w = watched.get(s);
            if (w.restartAt != NONE) {
                if (now - w.restartAt >= 0) {
                    restart(s, w, now);
                }
            } else if (!w.process.isAlive()) {
                exited(s, w, now);
            } else if (w.readySince == NONE) {
                if (services.ready(s)) {
                    w.readySince = now;
                    w.livenessDueAt = now + LIVENESS_PERIOD.toNanos();
                    state.state(s.key(), "ready");
                }
            } else {
                if (w.exitsInARow > 0 && now - w.readySince >= stable.toNanos()) {
                    w.exitsInARow = 0;
                }
                if (now - w.livenessDueAt >= 0) {
                    checkLiveness(s, w, now);
                }
            }
        }
    }

    private void checkLiveness(Instance s, Watched w, long now) {
        w.livenessDueAt = now + LIVENESS_PERIOD.toNanos();
        w.notLiveInARow = services.live(s) ? 0 : w.notLiveInARow + 1;
        if (w.notLiveInARow >= LIVENESS_FAILURES) {
            w.process.stop(NOT_LIVE_GRACE);
            restartAfter(s, w, now, "was not live for " + w.notLiveInARow + " checks in a row; stopped (code "
                    + w.process.exitCode() + ");");
        }
    }

    private void exited(Instance s, Watched w, long now) {
        restartAfter(s, w, now, "exited (code " + w.process.exitCode() + ") unexpectedly;");
    }

    private void restartAfter(Instance s, Watched w, long now, String what) {
        w.restarts++;
        Duration delay = scheduleRestart(w, now);
        services.exited(s, w.process);
        state.set("restarts." + s.key(), w.restarts);
        state.state(s.key(), "exited");
        out.println(s.name() + " " + what + " restarting in " + seconds(delay) + " (restart " + w.restarts + ")");
        out.flush();
    }

    private void restart(Instance s, Watched w, long now) {
        try {
            services.start(s);
        } catch (RuntimeException e) {
            Duration delay = scheduleRestart(w, now); // as if it had exited at once
            out.println("!! " + s.name() + " could not be started (" + e.getMessage() + "); trying again in "
                    + seconds(delay));
            out.flush();
        }
    }

    private Duration scheduleRestart(Watched w, long now) {
        w.exitsInARow++;
        Duration delay = backoff.delay(w.exitsInARow);
        w.restartAt = now + delay.toNanos();
        return delay;
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s"
                : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
