package io.hyperai.launcher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.hyperai.infra.PostgresServer;

/**
 * One process of a service ({@link Instance}), from its packaged jar, with its own database role and the URLs of the
 * rest. The {@link Supervisor} restarts it when it exits on its own.
 */
final class InstancePart extends ProcessPart {

    static final Duration STOP_GRACE = Duration.ofSeconds(20);
    final Instance instance;
    private final PostgresPart postgres;
    private final KubernetesPart kubernetes;
    private final Supervisor supervisor;
    private final String javaOpts;
    private final ClassDataArchive archive;
    /** What the running JVM does about its class data archive; set on start, read by the stop thread. */
    private volatile ClassDataArchive.Use archiveUse = ClassDataArchive.Use.NONE;

    InstancePart(Instance instance, UpContext ctx, PostgresPart postgres, KubernetesPart kubernetes,
            Supervisor supervisor) {
        super(instance.service(), ctx, STOP_GRACE);
        this.instance = instance;
        this.postgres = postgres;
        this.kubernetes = kubernetes;
        this.supervisor = supervisor;
        this.javaOpts = ServiceEnv.javaOpts(instance.service(), System.getenv());
        this.archive = ClassDataArchive.of(ctx.data, javaOpts, System.getenv());
    }

    @Override
    String label() {
        return instance.key();
    }

    @Override
    String stateKey() {
        return instance.key();
    }

    @Override
    Path log() {
        return ctx.logs.resolve(instance.logName());
    }

    Map<String, String> env() {
        PostgresServer.Role role = postgres.role(component);
        return ServiceEnv.of(instance, ctx.opt.ports(), ctx.data, role.user(), role.password(), kubernetes.url());
    }

    @Override
    void start() {
        Path javaHome = Path.of(System.getProperty("java.home"));
        Path jar = ServiceEnv.jar(ctx.home, component);
        archiveUse = archive.use(instance, jar);
        ChildProcess p = launch(instance.name(), ServiceEnv.command(javaHome, javaOpts, archiveUse.options(), jar),
                env(), ctx.data);
        ctx.state.state(stateKey(), "starting");
        supervisor.watch(instance, p);
    }

    @Override
    Duration grace() {
        return archiveUse.writes() ? STOP_GRACE.plus(ClassDataArchive.WRITING_TIME) : STOP_GRACE;
    }

    /** Also keeps the class data archive the JVM wrote as it stopped. */
    @Override
    String stop() {
        ChildProcess p = process;
        String note = super.stop();
        archive.stopped(archiveUse, p == null ? null : p.exitCode());
        return note;
    }

    @Override
    boolean ready() {
        return Http.ok(readinessUrl());
    }

    /** What the liveness probe of deploy/ asks: no consumer channel of the service has failed. */
    boolean live() {
        return Http.ok(ServiceEnv.livenessUrl(instance.port()));
    }

    private String readinessUrl() {
        return ServiceEnv.readinessUrl(instance.port());
    }

    @Override
    String address() {
        return ServiceEnv.baseUrl(instance.port());
    }

    @Override
    String notReadyDetail() {
        int status = Http.status(readinessUrl());
        return " (" + readinessUrl() + " answered " + (status < 0 ? "nothing" : "HTTP " + status) + ")";
    }
}
