package io.hyperai.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.hyperai.infra.PostgresServer;

/**
 * One of the five services, from its packaged jar, with its own database role and the URLs of the rest. The
 * {@link Supervisor} restarts it when it exits on its own.
 */
final class ServicePart extends ProcessPart {

    static final Duration STOP_GRACE = Duration.ofSeconds(20);

    private final PostgresPart postgres;
    private final KubernetesPart kubernetes;
    private final Supervisor supervisor;

    ServicePart(Component service, UpContext ctx, PostgresPart postgres, KubernetesPart kubernetes,
            Supervisor supervisor) {
        super(service, ctx, STOP_GRACE);
        this.postgres = postgres;
        this.kubernetes = kubernetes;
        this.supervisor = supervisor;
    }

    @Override
    String label() {
        return component.key();
    }

    /** Its environment: also written to a file for a service skipped to be run by hand (quarkus:dev). */
    Map<String, String> env() {
        PostgresServer.Role role = postgres.role(component);
        return ServiceEnv.of(component, ctx.opt.ports(), ctx.data, role.user(), role.password(), kubernetes.url());
    }

    @Override
    void prepare() {
        try {
            Files.createDirectories(ctx.data.resolve("warehouse"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    void start() {
        String javaOpts = System.getenv().getOrDefault(ServiceEnv.JAVA_OPTS_ENV, ServiceEnv.DEFAULT_JAVA_OPTS);
        Path javaHome = Path.of(System.getProperty("java.home"));
        ChildProcess p = launch(component.moduleName(),
                ServiceEnv.command(javaHome, javaOpts, ServiceEnv.jar(ctx.home, component)), env(), ctx.data);
        ctx.state.state(component, "starting");
        supervisor.watch(component, p);
    }

    @Override
    boolean ready() {
        return Http.ok(readinessUrl());
    }

    private String readinessUrl() {
        return ServiceEnv.readinessUrl(ctx.port(component));
    }

    @Override
    String address() {
        return ServiceEnv.baseUrl(ctx.port(component));
    }

    @Override
    String notReadyDetail() {
        int status = Http.status(readinessUrl());
        return " (" + readinessUrl() + " answered " + (status < 0 ? "nothing" : "HTTP " + status) + ")";
    }
}
