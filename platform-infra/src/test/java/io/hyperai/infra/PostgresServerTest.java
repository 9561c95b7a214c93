package io.hyperai.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
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

            pg.createDatabase("app");
            pg.createDatabase("app"); // idempotent
            pg.createDatabase("other-db");

            try (Connection c = DriverManager.getConnection(pg.jdbcUrl("app"), pg.username(), pg.password());
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT current_database(), current_setting('server_version_num')::int,"
                            + " current_setting('max_connections')::int, current_setting('fsync')")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("app");
                assertThat(rs.getInt(2)).isBetween(170000, 179999);
                assertThat(rs.getInt(3)).isEqualTo(200);
                assertThat(rs.getString(4)).isEqualTo("off");
            }
            try (Connection c = pg.connect("other-db"); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE t (id int primary key)");
            }
        }
        assertThat(Ports.isListening(port)).isFalse();
        assertThat(dataDir).doesNotExist();
    }

    @Test
    void persistentServerKeepsDataAcrossRestarts() throws Exception {
        Path dataDir = tmp.resolve("pg");
        try (PostgresServer pg = PostgresServer.start(dataDir, 0)) {
            assertThat(pg.isPersistent()).isTrue();
            assertThat(pg.logFile()).isEqualTo(tmp.resolve("pg.log"));
            pg.createDatabase("store");
            try (Connection c = pg.connect("store"); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE items (id int primary key, name text)");
                st.execute("INSERT INTO items VALUES (1, 'kept')");
            }
        }
        assertThat(dataDir.resolve("postgresql.conf")).exists();

        try (PostgresServer pg = PostgresServer.start(dataDir, 0)) {
            pg.createDatabase("store"); // exists already
            try (Connection c = pg.connect("store"); Statement st = c.createStatement();
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
}
