package io.hyperai.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code ./platform up}: prepares every {@link Part}, starts them in order (each infrastructure part alone, then the
 * services together), waits until each is ready, keeps them running until SIGINT, SIGTERM or SIGHUP (Ctrl-C,
 * {@code ./platform down}, a closed terminal), then stops them in reverse order.
 */
final class Up {

    /** Start-up was interrupted by a stop request. */
    static final class Aborted extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    private static final long STILL_STARTING_NOTE_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final UpContext ctx;
    private final PrintStream out;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private volatile boolean stopping;

    private final PostgresPart postgres;
    private final KafkaPart kafka;
    private final KubernetesPart kubernetes;
    /** Every part, services that are skipped included (a restart may start one), in start order. */
    private final Map<Component, Part> parts = new EnumMap<>(Component.class);
    /** Start order: each group starts at once and is awaited before the next; stopped in reverse. */
    private final List<List<Part>> groups = new ArrayList<>();
    private final Set<Component> reportedExit = EnumSet.noneOf(Component.class);
    /** Every process of every service, as the supervisor knows them. */
    private final Map<Instance, InstancePart> instances = new HashMap<>();
    private final Supervisor supervisor;

    Up(Options opt, Path home, PrintStream out) {
        this.ctx = new UpContext(opt, home, out);
        this.out = out;
        this.supervisor = new Supervisor(new Supervisor.Services() {
            @Override
            public void start(Instance instance) {
                instances.get(instance).start();
            }

            @Override
            public boolean ready(Instance instance) {
                return instances.get(instance).ready();
            }

            @Override
            public boolean live(Instance instance) {
                return instances.get(instance).live();
            }

            @Override
            public void exited(Instance instance, ChildProcess process) {
                ctx.watchdog.forget(process.pid());
            }
        }, ctx.state, out, Backoff.DEFAULT, Supervisor.STABLE, System::nanoTime);
        this.postgres = new PostgresPart(ctx);
        this.kafka = new KafkaPart(ctx);
        this.kubernetes = new KubernetesPart(ctx);
        for (Part infra : List.of(postgres, kafka, new KeycloakPart(ctx), kubernetes)) {
            parts.put(infra.component, infra);
            groups.add(List.of(infra));
        }
        List<Part> services = new ArrayList<>();
        for (Component s : Component.services()) {
            List<InstancePart> own = new ArrayList<>();
            for (Instance i : opt.instances(s)) {
                InstancePart part = new InstancePart(i, ctx, postgres, kubernetes, supervisor);
                instances.put(i, part);
                own.add(part);
            }
            Part service = new ServicePart(s, ctx, own);
            parts.put(s, service);
            services.add(service);
        }
        groups.add(services);
    }

    int run() {
        try {
            Files.createDirectories(ctx.logs);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + ctx.logs, e);
        }
        if (!ctx.state.tryLock()) {
            String pid = RunState.launcherPid(ctx.data).map(p -> " (launcher pid " + p + ")").orElse("");
            out.println("The platform is already running from " + ctx.data + pid + ".");
            out.println("  ./platform status   shows what runs");
            out.println("  ./platform down     stops it");
            out.println("(To run a second platform, give it another --data folder and other ports.)");
            return 2;
        }
        long t0 = System.nanoTime();
        int code = 0;
        try {
            Signals.onStop(this::requestStop);
            LauncherLogging.toFile(ctx.logs.resolve("launcher.log"));
            StaleProcesses.stop(ctx.data, out);
            recordLauncher();
            List<Part> wanted = parts.values().stream().filter(p -> ctx.opt.runs(p.component)).toList();
            requireServiceJars();
            requireFreePorts(wanted);
            out.println("Starting the HyperAI platform (data: " + ctx.data + ")");
            if (ctx.opt.runs(Component.EXECUTION)) {
                ServiceEnv.sandboxWarning(ctx.opt.executionRuntime(), Files.isExecutable(ServiceEnv.BWRAP))
                        .ifPresent(line -> out.println("  " + line));
            }
            for (Part p : wanted) {
                p.prepare();
            }
            checkStop();
            ctx.watchdog = Watchdog.start();
            for (List<Part> group : groups) {
                start(group.stream().filter(wanted::contains).toList());
            }
            writeSkippedServicesEnv();
            PublicSeed.run(ctx);
            ctx.state.set("launcher.ready", Instant.now());
            ctx.state.save();
            Summary.print(ctx, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0), postgres, kafka, kubernetes);
            monitor();
        } catch (Aborted e) {
            out.println("Start-up interrupted.");
            code = 130;
        } catch (StartFailure e) {
            out.println();
            out.println("FAILED: " + e.getMessage());
            if (e.log != null) {
                out.println("---- last lines of " + e.log + " ----");
                out.println(LogTail.of(e.log, 40));
                out.println("----");
            }
            code = 1;
        } catch (RuntimeException e) {
            out.println();
            out.println("FAILED: " + e);
            e.printStackTrace(out);
            code = 1;
        } finally {
            stopAll();
            ctx.state.deleteLauncherPid();
            ctx.state.unlock();
        }
        return code;
    }

    private void recordLauncher() {
        RunState state = ctx.state;
        long pid = ProcessHandle.current().pid();
        state.writeLauncherPid(pid);
        state.set("launcher.pid", pid);
        state.set("launcher.started", Instant.now());
        state.set("data", ctx.data);
        state.recordLayout(ctx.opt);
        state.save();
    }

    private void requireServiceJars() {
        List<Component> missing = Component.services().stream()
                .filter(s -> ctx.opt.runs(s) && !Files.isRegularFile(ServiceEnv.jar(ctx.home, s))).toList();
        if (!missing.isEmpty()) {
            throw new StartFailure("No runnable jar for "
                    + missing.stream().map(s -> s.moduleName() + " (" + ServiceEnv.jar(ctx.home, s) + ")")
                            .collect(Collectors.joining(", "))
                    + ".\nBuild them with './mvnw -DskipTests install' (./platform does that when nothing is built),"
                    + "\nor start without them: --skip " + missing.stream().map(Component::key)
                            .collect(Collectors.joining(","))
                    + " (or --infra-only).", null);
        }
    }

    private void requireFreePorts(List<Part> wanted) {
        List<PortCheck.Conflict> conflicts = PortCheck.conflicts(ctx.opt.ports(),
                wanted.stream().map(p -> p.component).toList());
        List<String> instancesTaken = wanted.stream().filter(p -> p.component.isService())
                .flatMap(p -> ctx.opt.instances(p.component).stream())
                .filter(i -> i.numbered() && PortCheck.inUse(i.port()))
                .map(i -> "port " + i.port() + " (" + i.name() + ": " + i.service().portOption() + " + "
                        + Replicas.PORT_STEP * i.number() + ") is already in use")
                .toList();
        if (!instancesTaken.isEmpty()) {
            throw new StartFailure("Cannot start: instance ports are already in use by another program:\n  - "
                    + String.join("\n  - ", instancesTaken)
                    + "\nFree them (see: ss -ltnp), or choose other service ports or fewer --replicas.", null);
        }
        if (conflicts.isEmpty()) {
            return;
        }
        StringBuilder sb = new StringBuilder("Cannot start: ");
        sb.append(conflicts.size() == 1 ? "a port is" : "ports are").append(" already in use by another program:");
        for (PortCheck.Conflict c : conflicts) {
            sb.append("\n  - ").append(c);
        }
        sb.append("\nFree ").append(conflicts.size() == 1 ? "it" : "them")
                .append(" (see: ss -ltnp) or choose other ports, e.g. ")
                .append(conflicts.get(0).component().portOption()).append(' ')
                .append(conflicts.get(0).port() + 1000).append('.');
        throw new StartFailure(sb.toString(), null);
    }

    /** A service skipped to be run by hand (quarkus:dev) needs its database role and URLs like the rest. */
    private void writeSkippedServicesEnv() {
        for (Component s : Component.services()) {
            if (!ctx.opt.runs(s)) {
                var role = postgres.role(s);
                ServiceEnv.writeEnvFile(ServiceEnv.envFile(ctx.state.dir(), s), ServiceEnv.of(s, ctx.opt.ports(),
                        ctx.data, role.user(), role.password(), kubernetes.url()));
            }
        }
    }

    // ---------------------------------------------------------------- start

    private void start(List<Part> group) {
        long t0 = System.nanoTime();
        for (Part p : group) {
            checkStop();
            ctx.say(String.format("%-11s starting on port %d%s ...", p.label(), ctx.port(p.component),
                    p.startingDetail()));
            p.start();
            ctx.state.state(p.component, "starting");
        }
        awaitReady(group, t0);
    }

    /** Polls the group until all are ready; a part that exits or is not ready within --timeout fails the start. */
    private void awaitReady(List<Part> group, long t0) {
        List<Part> pending = new ArrayList<>(group);
        long deadline = System.nanoTime() + ctx.opt.timeout().toNanos();
        long nextNote = System.nanoTime() + STILL_STARTING_NOTE_NANOS;
        while (!pending.isEmpty()) {
            checkStop();
            for (Part p : List.copyOf(pending)) {
                if (p.ready()) {
                    pending.remove(p);
                    p.becameReady();
                    ctx.state.state(p.stateKey(), "ready");
                    ctx.say(String.format("%-11s ready on %s (%.1f s%s)", p.label(), p.address(), UpContext.secs(t0),
                            p.readyDetail()));
                } else if (p.failure() != null) {
                    ctx.state.state(p.stateKey(), "exited");
                    throw new StartFailure(p.component.displayName() + " " + p.failure(), p.log());
                }
            }
            if (pending.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                Part first = pending.get(0);
                throw new StartFailure(pending.stream().map(p -> p.component.displayName())
                        .collect(Collectors.joining(", ")) + " not ready within " + ctx.opt.timeout().toSeconds()
                        + " s" + first.notReadyDetail(), first.log());
            }
            if (System.nanoTime() > nextNote) {
                ctx.say(String.format("%-11s still starting (%.0f s) ...", pending.stream().map(Part::label)
                        .collect(Collectors.joining(", ")), UpContext.secs(t0)));
                nextNote = System.nanoTime() + STILL_STARTING_NOTE_NANOS;
            }
            Procs.sleep(500);
        }
    }

    // ---------------------------------------------------------------- running

    /**
     * Waits for a stop request; carries out {@code ./platform restart}, has the {@link Supervisor} restart a service
     * that exits on its own, and reports an infrastructure part exiting (the rest keeps running).
     */
    private void monitor() {
        while (true) {
            try {
                if (stopRequested.await(500, TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            Restart.pending(ctx.data).ifPresent(this::restart);
            if (stopping) {
                continue;
            }
            supervisor.tick();
            for (Part p : parts.values()) { // the services are the supervisor's
                if (!p.component.isService() && p.started() && !p.running() && reportedExit.add(p.component)) {
                    reportExit(p);
                }
            }
        }
    }

    private void reportExit(Part p) {
        ctx.state.state(p.component, "exited");
        p.exited();
        out.println();
        out.println("!! " + p.component.displayName() + " exited (the rest keeps running; Ctrl-C stops all). Last lines of "
                + p.log() + ":");
        out.println(LogTail.of(p.log(), 20));
        out.flush();
    }

    /**
     * {@code ./platform restart}: stops the part if it still runs, starts it again on the same port and data, and
     * waits until it is ready; a service's instances one after the other. Runs on the monitor thread, so exits are not
     * reported meanwhile.
     */
    private void restart(Component c) {
        long t0 = System.nanoTime();
        ctx.state.state(c, Restart.RESTARTING);
        try {
            Files.deleteIfExists(Restart.requestFile(ctx.data, c));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.println("Restarting " + c.displayName() + " (asked by ./platform restart) ...");
        Part p = parts.get(c);
        try {
            for (Part step : p.restartSteps()) {
                step.restart();
                ctx.state.state(step.stateKey(), "starting");
                awaitReady(List.of(step), t0);
            }
            ctx.state.state(c, "ready"); // the service, once all its instances are
            reportedExit.remove(c);
            ctx.say(String.format("Restarted %s (%.1f s)", c.displayName(), UpContext.secs(t0)));
        } catch (RuntimeException e) {
            ctx.state.state(c, Restart.FAILED);
            out.println("!! Restarting " + c.displayName() + " failed: " + UpContext.firstLine(e));
            out.flush();
        }
    }

    private void requestStop() {
        if (!stopping) {
            stopping = true;
            out.println();
            out.println("Stopping the platform ...");
            out.flush();
        }
        stopRequested.countDown();
    }

    private void checkStop() {
        if (stopping) {
            throw new Aborted();
        }
    }

    // ---------------------------------------------------------------- stop

    /** Groups in reverse order, the parts of a group at once; every stop is bounded and runs even if one failed. */
    private void stopAll() {
        stopping = true;
        if (ctx.watchdog == null) {
            return; // nothing was started
        }
        long t0 = System.nanoTime();
        for (int i = groups.size() - 1; i >= 0; i--) {
            Procs.runAll(groups.get(i).stream().filter(Part::started).<Runnable>map(p -> () -> stop(p)).toList());
        }
        ctx.watchdog.close();
        ctx.watchdog = null;
        out.printf("Stopped everything in %.1f s.%n", UpContext.secs(t0));
        out.flush();
    }

    private void stop(Part p) {
        long t0 = System.nanoTime();
        try {
            String note = p.stop();
            ctx.say(String.format("Stopped %s (%.1f s%s)", p.component.displayName(), UpContext.secs(t0), note));
        } catch (RuntimeException e) {
            ctx.say("Stopping " + p.component.displayName() + " failed: " + e);
        }
        ctx.state.forgetProcess(p.component);
        ctx.state.state(p.component, "stopped");
    }
}
