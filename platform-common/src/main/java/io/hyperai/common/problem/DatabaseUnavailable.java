package io.hyperai.common.problem;

import java.net.ConnectException;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

/**
 * Whether a failure means PostgreSQL cannot be reached or is restarting, rather than a fault of the request or of our
 * code: the caller gets 503 with {@code Retry-After} (nothing was changed: the transaction did not commit).
 */
final class DatabaseUnavailable {

    private DatabaseUnavailable() {
    }

    static boolean in(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < 20; depth++) {
            if (t instanceof ConnectException || t instanceof ClosedConnectionException) {
                return true;
            }
            // class 08: connection exception; 57P01-57P03: shutting down, crashed, starting up
            if (t instanceof PgException pg && pg.getSqlState() != null
                    && (pg.getSqlState().startsWith("08") || pg.getSqlState().startsWith("57P"))) {
                return true;
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        return false;
    }
}
