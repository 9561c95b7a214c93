package io.hyperai.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresServerTest {

    @TempDir
    Path tmp;

    @Test
    void temporaryServerCreatesDatabasesAndAnswersJdbc() throws Exception {
        Path dataDir;
        int port;
        try (PostgresServer pg = PostgresServer.start()) {
            dataDir = pg.dataDir();
            port = pg.port();
            assertThat(pg.isPersistent()).isFalse();
            assertThat(pg.jdbcUrl("app")).isEqualTo("jdbc:postgresql://localhost:" + port + "/app");
            assertThat(pg.reactiveUrl("app")).isEqualTo("postgresql://localhost:" + port + "/app");

            PostgresServer.Role app = pg.serviceRole("app");
            assertThat(pg.serviceRole("app")).isEqualTo(app); // idempotent
            PostgresServer.Role other = pg.serviceRole("other-db");

            try (Connection c = DriverManager.getConnection(pg.jdbcUrl("app"), app.user(), app.password());
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT current_database(), current_setting('server_version_num')::int,"
                            + " current_setting('max_connections')::int, current_setting('fsync')")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("app");
                assertThat(rs.getInt(2)).isBetween(170000, 179999);
                assertThat(rs.getInt(3)).isEqualTo(200);
                assertThat(rs.getString(4)).isEqualTo("off");
            }
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl("other-db"), other.user(), other.password());
                    Statement st = c.createStatement()) {
                st.execute("CREATE TABLE t (id int primary key)");
            }
        }
        assertThat(Ports.isListening(port)).isFalse();
        assertThat(dataDir).doesNotExist();
    }

    @Test
    void persistentServerKeepsDataAndPasswordsAcrossRestarts() throws Exception {
        Path dataDir = tmp.resolve("pg");
        String superuser;
        PostgresServer.Role store;
        try (PostgresServer pg = PostgresServer.start(dataDir, 0)) {
            assertThat(pg.isPersistent()).isTrue();
            assertThat(pg.logFile()).isEqualTo(tmp.resolve("pg.log"));
            superuser = pg.password();
            store = pg.serviceRole("store");
            try (Connection c = connect(pg, "store", store); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE items (id int primary key, name text)");
                st.execute("INSERT INTO items VALUES (1, 'kept')");
            }
        }
        assertThat(dataDir.resolve("postgresql.conf")).exists();
        Path passwords = dataDir.resolve("hyperai-passwords.properties");
        assertThat(Files.getPosixFilePermissions(passwords)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(PostgresServer.superuserPassword(dataDir)).isEqualTo(superuser);

        try (PostgresServer pg = PostgresServer.start(dataDir, 0)) {
            assertThat(pg.password()).isEqualTo(superuser);
            assertThat(pg.serviceRole("store")).isEqualTo(store);
            try (Connection c = connect(pg, "store", store); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT name FROM items WHERE id = 1")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("kept");
            }
        }
        assertThat(Files.readString(tmp.resolve("pg.log"))).contains("database system is ready");
    }

    @Test
    void postgresDiesWhenItsParentJvmIsKilled() throws Exception {
        try (ParentProcess parent = ParentProcess.start(tmp.resolve("parent.log"), "postgres")) {
            assertThat(parent.line[0]).isEqualTo("POSTGRES");
            long pid = Long.parseLong(parent.line[1]);
            int port = Integer.parseInt(parent.line[2]);
            Path dataDir = Path.of(parent.line[3]);
            assertThat(Ports.isListening(port)).isTrue();

            parent.kill9();

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                assertThat(Processes.isRunning(pid)).isFalse();
                assertThat(Ports.isListening(port)).isFalse();
                assertThat(dataDir.getParent()).doesNotExist();
            });
        }
    }

    private static Connection connect(PostgresServer pg, String db, PostgresServer.Role role) throws Exception {
        return DriverManager.getConnection(pg.jdbcUrl(db), role.user(), role.password());
    }
}
