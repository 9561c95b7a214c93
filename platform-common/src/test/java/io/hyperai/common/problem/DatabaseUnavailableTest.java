package io.hyperai.common.problem;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.util.concurrent.CompletionException;

import org.hibernate.HibernateException;
import org.junit.jupiter.api.Test;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

class DatabaseUnavailableTest {

    @Test
    void connectionFailuresAndServerShutdownsAreUnavailability() {
        assertThat(DatabaseUnavailable.in(new CompletionException(new ConnectException("Connection refused")))).isTrue();
        assertThat(DatabaseUnavailable.in(new HibernateException(ClosedConnectionException.INSTANCE))).isTrue();
        assertThat(DatabaseUnavailable.in(new PgException("the database system is starting up", "FATAL", "57P03", null)))
                .isTrue();
        assertThat(DatabaseUnavailable.in(new PgException("terminating connection", "FATAL", "57P01", null))).isTrue();
        assertThat(DatabaseUnavailable.in(new PgException("connection failure", "FATAL", "08006", null))).isTrue();
    }

    @Test
    void faultsOfTheRequestOrOfOurCodeAreNot() {
        assertThat(DatabaseUnavailable.in(new HibernateException(
                new PgException("duplicate key value", "ERROR", "23505", null)))).isFalse();
        assertThat(DatabaseUnavailable.in(new PgException("relation does not exist", "ERROR", "42P01", null))).isFalse();
        assertThat(DatabaseUnavailable.in(new IllegalStateException("boom"))).isFalse();
    }
}
