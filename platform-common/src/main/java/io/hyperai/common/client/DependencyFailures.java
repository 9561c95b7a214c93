package io.hyperai.common.client;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;

import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

import org.jboss.logging.Logger;

import io.hyperai.common.problem.ProblemException;
import io.vertx.core.http.HttpClosedException;
import io.smallrye.mutiny.Uni;

/**
 * Turns the ways a call to another service can fail (timeout, open circuit, connection refused,
 * a 5xx answer) into one 503 problem with {@code Retry-After}, so a user waiting on an admission
 * check learns that nothing changed and when to try again. Answers the caller can act on (4xx)
 * pass through for the calling service to interpret.
 */
public final class DependencyFailures {

    public static final Duration RETRY_AFTER = Duration.ofSeconds(5);
    private static final Logger LOG = Logger.getLogger(DependencyFailures.class);

    private DependencyFailures() {
    }

    public static boolean isUnavailability(Throwable failure) {
        return anyCause(failure, t -> lostInTransit(t) || t instanceof TimeoutException
                || t instanceof CircuitBreakerOpenException || t instanceof BulkheadException
                || t instanceof ProcessingException
                || t instanceof org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException
                // no service token, no call: to the user the dependency is unavailable
                || t instanceof io.quarkus.oidc.client.OidcClientException
                || status(t) >= 500);
    }

    /**
     * Worth the one retry the dependencies' policy allows: the connection was lost, the call timed out (an instance
     * that has just started may be too cold to answer in time; the retry most often reaches another, or a warmer
     * one) or the dependency answered 503 (an instance that cannot serve just now). Not an open
     * circuit, nor any answer but 503. Safe because every internal operation may be repeated. Also a call that never
     * left because its service token could not be had: the OIDC client reports a kept-alive connection to the
     * token endpoint closed under its request as "OIDC Server is not available", without the cause.
     */
    public static boolean isWorthOneMoreTry(Throwable failure) {
        return anyCause(failure, t -> lostInTransit(t)
                || t instanceof io.quarkus.oidc.client.OidcClientException
                || t instanceof org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException
                || status(t) == 503);
    }

    /**
     * The call failed in transit, before an answer: typically a kept-alive connection that the other side closed as
     * the request went out (an instance stopping, which had not read it; the REST client reports
     * {@code IOException: Connection was closed}), a connection refused or reset, or an instance that died under it.
     */
    private static boolean lostInTransit(Throwable t) {
        return t instanceof IOException && !(t instanceof InterruptedIOException) || t instanceof HttpClosedException;
    }

    /** The failure and its causes, outermost first. */
    private static Stream<Throwable> chain(Throwable failure) {
        return Stream.iterate(failure, t -> t != null, t -> t.getCause() == t ? null : t.getCause());
    }

    private static boolean anyCause(Throwable failure, Predicate<Throwable> test) {
        return chain(failure).anyMatch(test);
    }

    /** Wraps a call so that unavailability of {@code dependency} fails it with a 503 problem. */
    public static <T> Uni<T> guard(String dependency, Uni<T> call) {
        return call.onFailure(DependencyFailures::isUnavailability).transform(e -> {
            // the user gets a 503 without the cause; the operator finds it here
            LOG.warnf("%s unavailable to this request: %s", dependency,
                    chain(e).map(String::valueOf).collect(Collectors.joining(" <- ")));
            return ProblemException.unavailable(dependency, RETRY_AFTER);
        });
    }

    /** The HTTP status of a failed REST client call, or -1 when it never got an answer. */
    public static int status(Throwable failure) {
        if (failure instanceof RefusedByDependency refused) {
            return refused.status();
        }
        return failure instanceof WebApplicationException web && web.getResponse() != null
                ? web.getResponse().getStatus()
                : -1;
    }
}
