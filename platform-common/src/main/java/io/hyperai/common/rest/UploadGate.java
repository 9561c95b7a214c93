package io.hyperai.common.rest;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import io.hyperai.common.problem.ProblemException;
import io.hyperai.common.problem.ProblemMapper;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.quarkus.vertx.http.runtime.security.SecurityHandlerPriorities;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses an upload before its body is read, so nothing of a refused upload lands on disk: the multipart body of a
 * Quarkus REST method with form parameters is read (and its files written to the uploads directory) before any
 * JAX-RS filter or the method runs. This route filter runs after authentication is set up and before that: it asks
 * the service whether the caller may upload there (the target exists and is theirs, storage is not blocked) and
 * whether the declared {@code Content-Length} can fit in what is left of the quota. A client that sent
 * {@code Expect: 100-continue} gets the refusal instead of "100 Continue" and never sends the body (the connection
 * then closes); one that did not is answered after its body has been read and dropped. An admitted upload goes on
 * to the endpoint, whose body reading sends "100 Continue". Requests without a user token pass on untouched (the
 * endpoint answers 401), as does anything the check cannot decide (the endpoint checks again).
 */
public final class UploadGate implements Handler<RoutingContext> {

    /** After authentication and authorization, before the REST layer. */
    public static final int PRIORITY = SecurityHandlerPriorities.AUTHORIZATION - 10;
    /** What multipart framing may add to the files' own bytes before the declared length says "too big". */
    public static final long FRAMING_ALLOWANCE = 1024 * 1024;

    private static final Logger LOG = Logger.getLogger(UploadGate.class);

    /** Whether {@code ownerId} may upload {@code bytes} (the body's declared length, -1 unknown) to the matched path. */
    public interface Check {
        Uni<Void> admit(String ownerId, Matcher path, long bytes);
    }

    private final Pattern path;
    private final Check check;

    public UploadGate(Pattern path, Check check) {
        this.path = path;
        this.check = check;
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        Matcher matcher = path.matcher(ctx.normalizedPath());
        if (request.method() != HttpMethod.POST || !matcher.matches()) {
            ctx.next();
            return;
        }
        long length = declaredLength(request);
        QuarkusHttpUser.getSecurityIdentity(ctx, null)
                .chain(identity -> identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)
                        || jwt.getSubject() == null
                                ? Uni.createFrom().voidItem()
                                : check.admit(jwt.getSubject(), matcher, length))
                // admitted: Quarkus REST sends "100 Continue" itself when it starts reading the body
                .subscribe().with(admitted -> ctx.next(), failure -> {
                    if (failure instanceof ProblemException problem) {
                        refuse(ctx, problem);
                    } else {
                        LOG.debugf("upload gate undecided (%s); the endpoint checks", failure.toString());
                        ctx.next();
                    }
                });
    }

    private static long declaredLength(HttpServerRequest request) {
        try {
            String value = request.getHeader(HttpHeaders.CONTENT_LENGTH);
            return value == null ? -1 : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void refuse(RoutingContext ctx, ProblemException problem) {
        HttpServerRequest request = ctx.request();
        Runnable answer = () -> ProblemMapper.send(request, problem);
        if (request.headers().contains(HttpHeaders.EXPECT, HttpHeaders.CONTINUE, true) || request.isEnded()) {
            if (!request.isEnded()) {
                ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
            }
            answer.run();
            return;
        }
        // the client sends its body anyway: read it without keeping a byte, then answer
        request.handler(bytes -> {
        });
        request.endHandler(v -> answer.run());
        request.exceptionHandler(e -> ctx.fail(e));
        request.resume();
    }
}
