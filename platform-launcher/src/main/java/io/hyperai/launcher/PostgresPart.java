package io.hyperai.launcher;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Collectors;

import io.hyperai.infra.PostgresServer;

/** Embedded PostgreSQL: one server, a database and a login role per service (kept across restarts). */
final class PostgresPart extends Part {

    private final Map<Component, PostgresServer.Role> roles = new EnumMap<>(Component.class);
    private volatile PostgresServer server;

    PostgresPart(UpContext ctx) {
        super(Component.POSTGRES, ctx);
    }

    @Override
    String label() {
        return "PostgreSQL";
    }

    @Override
    void start() {
        try {
            server = PostgresServer.start(ctx.data.resolve("postgres"), ctx.port(component));
        } catch (RuntimeException e) {
            throw new StartFailure("PostgreSQL did not start: " + UpContext.firstLine(e), log());
        }
        ctx.link("postgres.log", server.logFile());
        ctx.state.recordProcess(component, server.pid(), Procs.startMillis(server.pid()));
        if (roles.isEmpty()) {
            for (Component s : Component.services()) {
                roles.put(s, server.serviceRole(s.database()));
            }
        }
    }

    @Override
    boolean started() {
        return server != null;
    }

    @Override
    Path log() {
        return ctx.data.resolve("postgres.log");
    }

    @Override
    String address() {
        return "localhost:" + ctx.port(component);
    }

    @Override
    String readyDetail() {
        return "; databases " + databases();
    }

    static String databases() {
        return Component.services().stream().map(Component::database).collect(Collectors.joining(", "));
    }

    PostgresServer.Role role(Component service) {
        return roles.get(service);
    }

    Path passwordFile() {
        return server.passwordFile();
    }

    @Override
    String stop() {
        PostgresServer s = server;
        server = null;
        s.close(); // pg_ctl stop, or nothing when it was killed; the data directory stays
        return "";
    }
}
