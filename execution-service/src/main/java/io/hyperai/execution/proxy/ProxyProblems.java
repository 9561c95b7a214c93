package io.hyperai.execution.proxy;

import java.time.Duration;

import io.hyperai.common.problem.Problem;
import io.hyperai.common.problem.ProblemException;
import io.hyperai.common.problem.ProblemMapper;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyResponse;

/** The proxy's refusals and failures, as RFC 9457 problems like every other answer of the service. */
final class ProxyProblems {

    /** Jupyter starts within seconds; its socket appears once it listens. */
    private static final Duration WORKSPACE_RETRY_AFTER = Duration.ofSeconds(5);

    private ProxyProblems() {
    }

    /**
     * Every refusal (no such execution, not a running workspace, a missing or wrong token) is the same 404, so a
     * caller without the token learns nothing, not even whether the execution exists.
     */
    static ProblemException notFound(String executionId) {
        return ProblemException.notFound("workspace", executionId);
    }

    static ProblemException crossOrigin() {
        return ProblemException.forbidden("cross-origin",
                "a request from another origin may not use the workspace cookie; send the token instead");
    }

    /** Connecting to the workspace failed: nothing reached it. */
    static ProblemException notAnswering() {
        return ProblemException.unavailable("the workspace", WORKSPACE_RETRY_AFTER);
    }

    /** The workspace took the request but gave no (complete) answer: it may have acted on it. */
    static ProblemException badGateway() {
        return new ProblemException(502, "bad-gateway", "Bad Gateway", "the workspace did not answer the request",
                null, null);
    }

    static ProblemException noNativeTransport() {
        return new ProblemException(503, "workspaces-unreachable", "Service Unavailable",
                "this service cannot reach workspaces on this machine", null, null);
    }

    static void send(HttpServerRequest request, ProblemException problem) {
        ProblemMapper.send(request, problem);
    }

    /** The same, as the answer of a proxied exchange (the proxy library then sends it). */
    static ProxyResponse response(ProxyContext context, ProblemException problem) {
        String path = context.request().proxiedRequest().path();
        ProxyResponse response = context.request().release().response().setStatusCode(problem.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .setBody(Body.body(Buffer.buffer(ProblemMapper.body(problem, path))));
        if (problem.retryAfter() != null) {
            response.putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(ProblemMapper.retryAfterSeconds(problem)));
        }
        return response;
    }
}
