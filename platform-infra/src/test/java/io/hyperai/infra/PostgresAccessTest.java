package io.hyperai.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Code on the same machine is an attacker: without a password nobody connects, and a service's role reaches its own
 * database only, with no power beyond it.
 */
class PostgresAccessTest {

    private static PostgresServer pg;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        pg = PostgresServer.start();
    }

    @AfterAll
    static void stop() {
        pg.close();
    }

    @Test
    void noConnectionWithoutTheRightPasswordTheSuperusersToo() throws Exception {
        assertThat(pg.password()).isNotEqualTo("postgres").hasSizeGreaterThanOrEqualTo(32);
        assertThatThrownBy(() -> DriverManager.getConnection(pg.jdbcUrl("postgres") + "?user=postgres").close())
                .isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> DriverManager.getConnection(pg.jdbcUrl("postgres"), "postgres", "postgres").close())
                .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
        assertThatThrownBy(() -> DriverManager.getConnection(pg.jdbcUrl("postgres"), "nobody", "x").close())
                .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");

        try (Connection c = pg.connect("postgres"); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT type, auth_method FROM pg_hba_file_rules")) {
            List<String> rules = new ArrayList<>();
            while (rs.next()) {
                rules.add(rs.getString(1) + " " + rs.getString(2));
            }
            // the local socket as much as loopback TCP
            assertThat(rules).contains("local scram-sha-256", "host scram-sha-256")
                    .allMatch(r -> r.endsWith(" scram-sha-256"));
        }
    }

    @Test
    void theLocalSocketWantsThePasswordToo() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/psql")), "needs psql (a client that speaks the socket)");
        String socketDir;
        try (Connection c = pg.connect("postgres"); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SHOW unix_socket_directories")) {
            rs.next();
            socketDir = rs.getString(1).split(",")[0].trim();
        }
        assertThat(psql(socketDir, null)).as("without a password").isNotZero();
        assertThat(psql(socketDir, "postgres")).as("with the old fixed password").isNotZero();
        assertThat(psql(socketDir, pg.password())).as("with the generated password").isZero();
    }

    @Test
    void aServiceRoleReachesItsOwnDatabaseOnlyAndHasNoPowers() throws Exception {
        PostgresServer.Role billing = pg.serviceRole("billing");
        pg.serviceRole("gear");
        assertThat(billing.user()).isEqualTo("billing");
        assertThat(billing.password()).isNotEqualTo(pg.serviceRole("gear").password());
        assertThat(billing.toString()).doesNotContain(billing.password());

        try (Connection c = connect("billing", billing); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE balance (account text PRIMARY KEY, minor bigint)"); // it owns its database
            st.execute("INSERT INTO balance VALUES ('alice', 100)");
            assertThatThrownBy(() -> st.execute("COPY (SELECT 1) TO PROGRAM 'touch " + tmp.resolve("owned") + "'"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> st.execute("CREATE ROLE intruder LOGIN SUPERUSER PASSWORD 'x'"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> st.execute("CREATE DATABASE elsewhere"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> st.execute("ALTER ROLE billing SUPERUSER"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
        }
        assertThat(tmp.resolve("owned")).doesNotExist();
        for (String other : List.of("gear", "postgres", "template1")) {
            assertThatThrownBy(() -> connect(other, billing).close()).as(other)
                    .isInstanceOf(SQLException.class).hasMessageContaining("permission denied for database");
        }
        try (Connection c = pg.connect("postgres"); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT rolname FROM pg_roles WHERE rolcanlogin"
                        + " AND (rolsuper OR rolcreaterole OR rolcreatedb OR rolreplication OR rolbypassrls)")) {
            List<String> powerful = new ArrayList<>();
            while (rs.next()) {
                powerful.add(rs.getString(1));
            }
            assertThat(powerful).containsExactly("postgres");
        }
    }

    @Test
    void aDirectoryFromBeforePasswordsGetsThemAndItsDatabasesGoToTheirRoles() throws Exception {
        Path dataDir = tmp.resolve("old");
        try (PostgresServer old = PostgresServer.start(dataDir, 0); Connection c = old.connect("postgres");
                Statement st = c.createStatement()) {
            // what the launcher left before roles: the fixed password, a database and its objects owned by postgres
            st.execute("CREATE DATABASE ledger");
            try (Connection l = old.connect("ledger"); Statement ls = l.createStatement()) {
                ls.execute("CREATE TABLE entry (id bigserial PRIMARY KEY, minor bigint)");
                ls.execute("CREATE FUNCTION twice(bigint) RETURNS bigint LANGUAGE sql AS 'SELECT $1 * 2'");
            }
            st.execute("ALTER ROLE postgres PASSWORD 'postgres'");
        }
        Files.delete(dataDir.resolve("hyperai-passwords.properties"));
        Files.writeString(dataDir.resolve("pg_hba.conf"), "local all all trust\nhost all all 127.0.0.1/32 trust\n",
                StandardCharsets.UTF_8);

        try (PostgresServer upgraded = PostgresServer.start(dataDir, 0)) {
            assertThat(upgraded.password()).isNotEqualTo("postgres");
            assertThat(PostgresServer.superuserPassword(dataDir)).isEqualTo(upgraded.password());
            assertThatThrownBy(() -> DriverManager.getConnection(upgraded.jdbcUrl("postgres"), "postgres", "postgres")
                    .close()).isInstanceOf(SQLException.class);
            PostgresServer.Role ledger = upgraded.serviceRole("ledger");
            try (Connection c = DriverManager.getConnection(upgraded.jdbcUrl("ledger"), ledger.user(),
                    ledger.password()); Statement st = c.createStatement()) {
                st.execute("INSERT INTO entry (minor) VALUES (21)");
                st.execute("CREATE OR REPLACE FUNCTION twice(bigint) RETURNS bigint LANGUAGE sql AS 'SELECT $1 + $1'");
                try (ResultSet rs = st.executeQuery("SELECT twice(minor) FROM entry")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong(1)).isEqualTo(42);
                }
            }
        }
    }

    private static Connection connect(String db, PostgresServer.Role role) throws SQLException {
        return DriverManager.getConnection(pg.jdbcUrl(db), role.user(), role.password());
    }

    /** psql's exit code for {@code SELECT 1} over the local socket; never prompts for a password. */
    private static int psql(String socketDir, String password) throws Exception {
        ProcessBuilder b = new ProcessBuilder("/usr/bin/psql", "-w", "-h", socketDir, "-p", Integer.toString(pg.port()),
                "-U", "postgres", "-d", "postgres", "-c", "SELECT 1").redirectErrorStream(true);
        Map<String, String> env = b.environment();
        env.keySet().removeIf(k -> k.startsWith("PG"));
        if (password != null) {
            env.put("PGPASSWORD", password);
        }
        Process p = b.start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }
}
