package io.hyperai.common.client;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;

import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

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

    private DependencyFailures() {
    }

    public static boolean isUnavailability(Throwable failure) {
        if (isLostConnection(failure)) {
            return true;
        }
        Throwable t = failure;
        while (t != null) {
            if (t instanceof TimeoutException || t instanceof CircuitBreakerOpenException
                    || t instanceof BulkheadException || t instanceof ProcessingException
                    || t instanceof org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException
                    || t instanceof java.net.ConnectException
                    // no service token, no call: to the user the dependency is unavailable
                    || t instanceof io.quarkus.oidc.client.OidcClientException) {
                return true;
            }
            if (t instanceof WebApplicationException web && web.getResponse() != null
                    && web.getResponse().getStatus() >= 500) {
                return true;
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        return false;
    }

    /**
     * The call failed in transit, before an answer: typically a kept-alive connection that the other side closed as
     * the request went out (an instance stopping, which had not read it; the REST client reports
     * {@code IOException: Connection was closed}), a connection refused or reset, or an instance that died under
     * it. Never a timeout (the call may still be running there) and never an answer.
     */
    public static boolean isLostConnection(Throwable failure) {
        Throwable t = failure;
        while (t != null) {
            boolean transport = t instanceof IOException && !(t instanceof InterruptedIOException);
            if (transport || t instanceof HttpClosedException) {
                return true;
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        return false;
    }

    /** Wraps a call so that unavailability of {@code dependency} fails it with a 503 problem. */
    public static <T> Uni<T> guard(String dependency, Uni<T> call) {
        return call.onFailure(DependencyFailures::isUnavailability)
                .transform(e -> ProblemException.unavailable(dependency, RETRY_AFTER));
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
