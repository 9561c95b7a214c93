package io.hyperai.test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * One service's database away, on the shared test server: while open, the database refuses every new connection and
 * every session on it is ended, so each statement the service tries fails as it would with the server gone; closing it
 * lets connections in again. The server itself stays up for the other databases and for the test's own reads after.
 */
public final class DatabaseOutage implements AutoCloseable {

    private final String database;

    private DatabaseOutage(String database) {
        this.database = database;
    }

    /**
     * How long the outage tests keep a database away: {@code -Dhyperai.test.outage} (an ISO-8601 duration; the build
     * passes PT90S, longer than any retry window a consumer once had; PT5M is the proof).
     */
    public static Duration length() {
        return Duration.parse(System.getProperty("hyperai.test.outage", "PT90S"));
    }

    /** Takes {@code database} away until {@link #close}. */
    public static DatabaseOutage of(String database) {
        DatabaseOutage outage = new DatabaseOutage(database);
        outage.allowConnections(false);
        try (Connection c = SharedInfrastructure.postgres().connect("postgres");
                PreparedStatement end = c.prepareStatement(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = ?")) {
            end.setString(1, database);
            // sessions starting while the first ones end were let in before the ALTER: end until none is left
            for (int i = 0; i < 50 && ended(end) > 0; i++) {
                Thread.sleep(100);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot end the sessions on " + database, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return outage;
    }

    private static int ended(PreparedStatement end) throws SQLException {
        try (ResultSet rs = end.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private void allowConnections(boolean allow) {
        try (Connection c = SharedInfrastructure.postgres().connect("postgres"); Statement s = c.createStatement()) {
            s.execute("ALTER DATABASE \"" + database + "\" ALLOW_CONNECTIONS " + allow);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot change the connections allowed on " + database, e);
        }
    }

    @Override
    public void close() {
        allowConnections(true);
    }
}
