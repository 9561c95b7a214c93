package io.hyperai.test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** One number read from a test's database (a count, a sum) on a connection of its own. */
public final class Sql {

    private Sql() {
    }

    /** Opens a connection (e.g. {@code () -> postgres.connect("billing")}). */
    @FunctionalInterface
    public interface Connector {
        Connection open() throws SQLException;
    }

    /** The first column of the first row of {@code sql} with {@code params}, or 0 without a row. */
    public static long number(Connector connector, String sql, Object... params) {
        try (Connection c = connector.open(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
