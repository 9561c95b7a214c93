package io.hyperai.common.problem;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import io.hyperai.common.events.EventCodec;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.quarkus.security.AuthenticationCompletionException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

/**
 * The one place a service turns failures into RFC 9457 responses. Bodies never carry a stack trace,
 * an exception class name or an exception message from a library: only what we wrote ourselves.
 */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);
    /** The MDC key OpenTelemetry's Quarkus extension writes the trace id under, which JSON logs carry. */
    static final String TRACE_ID = "traceId";
    private static final String TYPE_PREFIX = "urn:hyperai:problem:";
    /** PostgreSQL restarts (crash recovery included) in seconds. */
    private static final java.time.Duration DATABASE_RETRY_AFTER = java.time.Duration.ofSeconds(5);
    private static final String MULTIPART_PARSER = "org.jboss.resteasy.reactive.server.core.multipart.";

    @ServerExceptionMapper
    public Response problem(ProblemException e, UriInfo uri) {
        Response.ResponseBuilder builder = Response.status(e.status()).type(Problem.MEDIA_TYPE)
                .entity(body(e, uri == null ? null : uri.getPath()));
        if (e.retryAfter() != null) {
            builder.header(HttpHeaders.RETRY_AFTER, retryAfterSeconds(e));
        }
        return builder.build();
    }

    /**
     * The body {@link #problem} answers with, for a response written outside JAX-RS (a plain Vert.x route such as
     * execution-service's workspace proxy), so that every refusal of a service reads the same.
     */
    public static String body(ProblemException e, String instance) {
        return write(new Problem(TYPE_PREFIX + e.slug(), e.title(), e.status(), e.getMessage(), instance, e.errors(),
                currentTraceId()));
    }

    /** Answers a plain Vert.x request with {@code problem}, as {@link #problem} would. */
    public static void send(io.vertx.core.http.HttpServerRequest request, ProblemException problem) {
        var response = request.response().setStatusCode(problem.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE);
        if (problem.retryAfter() != null) {
            response.putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(retryAfterSeconds(problem)));
        }
        response.end(body(problem, request.path()));
    }

    /** The {@code Retry-After} value of {@code e} in whole seconds (at least one); only when it has one. */
    public static long retryAfterSeconds(ProblemException e) {
        return Math.max(1, e.retryAfter().toSeconds());
    }

    @ServerExceptionMapper
    public Response violations(ConstraintViolationException e, UriInfo uri) {
        List<Problem.FieldError> errors = new ArrayList<>();
        for (ConstraintViolation<?> violation : e.getConstraintViolations()) {
            errors.add(new Problem.FieldError(fieldName(violation.getPropertyPath()), violation.getMessage()));
        }
        errors.sort((a, b) -> a.field().compareTo(b.field()));
        String detail = errors.isEmpty() ? "the request is invalid"
                : errors.stream().map(f -> f.field() + ": " + f.message()).reduce((a, b) -> a + "; " + b).get();
        return respond(400, "validation", "Invalid request", detail, errors, uri).build();
    }

    /**
     * A body Jackson could not read: 400 naming the field when one is to blame (an unknown field, a wrong type, a
     * fractional number for an integer, null for a primitive, a duplicate key; see {@link io.hyperai.common.rest.StrictJson}),
     * else a malformed-json problem. The specific classes are listed so that Quarkus' own mappers of them do not win.
     */
    @ServerExceptionMapper({ JsonParseException.class, MismatchedInputException.class, InvalidFormatException.class,
            InvalidNullException.class, UnrecognizedPropertyException.class, JsonMappingException.class,
            JsonProcessingException.class })
    public Response unreadableJson(JsonProcessingException e, UriInfo uri) {
        return JsonFailures.fieldError(e)
                .map(f -> respond(400, "validation", "Invalid request", f.field() + ": " + f.message(), List.of(f),
                        uri))
                .orElseGet(() -> respond(400, "malformed-json", "Malformed JSON", e instanceof JsonParseException
                        ? "the request body is not valid JSON"
                        : "the request body does not have the expected shape", List.of(), uri))
                .build();
    }

    @ServerExceptionMapper({ UnauthorizedException.class, AuthenticationFailedException.class,
            AuthenticationCompletionException.class })
    public Response unauthorized(RuntimeException e, UriInfo uri) {
        return respond(401, "unauthorized", "Unauthorized", "a valid bearer token is required", List.of(), uri)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        return respond(403, "forbidden", "Forbidden", "this operation needs a role the token does not have", List.of(),
                uri).build();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
        if (e.getCause() instanceof JsonProcessingException json) {
            return unreadableJson(json, uri);
        }
        if (status >= 500) {
            return internal(e, uri);
        }
        if (status == 404 && e.getCause() instanceof IllegalArgumentException) {
            // JAX-RS answers 404 when a query or path parameter cannot be converted; it is bad input
            return respond(400, "validation", "Invalid request", "a parameter has the wrong type or format",
                    List.of(), uri).build();
        }
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known == null ? "Error" : known.getReasonPhrase();
        String detail = switch (status) {
            case 400 -> "the request could not be read";
            case 404 -> "no such resource";
            case 405 -> "this method is not allowed here";
            case 406 -> "no acceptable representation";
            case 415 -> "unsupported content type";
            default -> title;
        };
        Response.ResponseBuilder builder = respond(status, slug(title), title, detail, List.of(), uri);
        if (e.getResponse() != null && e.getResponse().getHeaderString(HttpHeaders.ALLOW) != null) {
            builder.header(HttpHeaders.ALLOW, e.getResponse().getHeaderString(HttpHeaders.ALLOW));
        }
        return builder.build();
    }

    /**
     * A multipart body the framework's parser cannot read (no such boundary, cut short) is bad input;
     * any other I/O failure is ours.
     */
    @ServerExceptionMapper
    public Response unreadableBody(IOException e, UriInfo uri) {
        StackTraceElement[] where = e.getStackTrace();
        if (where.length > 0 && where[0].getClassName().startsWith(MULTIPART_PARSER)) {
            return respond(400, "malformed-multipart", "Malformed multipart body",
                    "the request body is not a readable multipart/form-data body", List.of(), uri).build();
        }
        return internal(e, uri);
    }

    @ServerExceptionMapper
    public Response internal(Throwable e, UriInfo uri) {
        if (DatabaseUnavailable.in(e)) {
            LOG.warnf("request %s failed: the database is unavailable (%s)", uri == null ? "?" : uri.getPath(), e);
            return problem(ProblemException.unavailable("the database", DATABASE_RETRY_AFTER), uri);
        }
        String traceId = currentTraceId();
        // inside a span OpenTelemetry has put its trace id into the MDC already; outside, the log line gets ours
        boolean own = traceId == null;
        if (own) {
            traceId = newTraceId();
            MDC.put(TRACE_ID, traceId);
        }
        try {
            LOG.errorf(e, "request %s failed (trace %s)", uri == null ? "?" : uri.getPath(), traceId);
        } finally {
            if (own) {
                MDC.remove(TRACE_ID);
            }
        }
        return respond(500, "internal", "Internal Server Error", "the request could not be completed", List.of(), uri,
                traceId).build();
    }

    private static Response.ResponseBuilder respond(int status, String slug, String title, String detail,
            List<Problem.FieldError> errors, UriInfo uri) {
        return respond(status, slug, title, detail, errors, uri, currentTraceId());
    }

    private static Response.ResponseBuilder respond(int status, String slug, String title, String detail,
            List<Problem.FieldError> errors, UriInfo uri, String traceId) {
        Problem problem = new Problem(TYPE_PREFIX + slug, title, status, detail, uri == null ? null : uri.getPath(),
                errors, traceId);
        return Response.status(status).type(Problem.MEDIA_TYPE).entity(write(problem));
    }

    /**
     * The W3C trace id of the request (32 hex digits), which its spans and log lines carry too; null outside a
     * sampled-or-not valid span (tracing off), where only a 500 gets an id of its own.
     */
    static String currentTraceId() {
        SpanContext span = Span.current().getSpanContext();
        return span.isValid() ? span.getTraceId() : null;
    }

    /** An id in the same form for a failure outside any trace, written into its log line too. */
    static String newTraceId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    private static String write(Problem problem) {
        try {
            return EventCodec.mapper().writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String slug(String title) {
        return title.toLowerCase().replaceAll("[^a-z0-9]+", "-");
    }

    /**
     * {@code create.request.bindings[0].mountPath} → {@code bindings[0].mountPath}: the body
     * parameter's own name means nothing to a caller; a query parameter ({@code list.size}) keeps its.
     */
    static String fieldName(Path path) {
        List<Path.Node> nodes = new ArrayList<>();
        for (Path.Node node : path) {
            if (node.getKind() != ElementKind.METHOD && node.getKind() != ElementKind.RETURN_VALUE) {
                nodes.add(node);
            }
        }
        if (nodes.size() > 1 && nodes.get(0).getKind() == ElementKind.PARAMETER) {
            nodes.remove(0);
        }
        StringBuilder name = new StringBuilder();
        for (Path.Node node : nodes) {
            if (name.length() > 0 && node.getIndex() != null) {
                name.append('[').append(node.getIndex()).append(']');
            } else if (name.length() > 0 && node.getKey() != null) {
                name.append('[').append(node.getKey()).append(']');
            }
            if (node.getName() != null && !node.getName().startsWith("<")) {
                if (name.length() > 0) {
                    name.append('.');
                }
                name.append(node.getName());
            }
        }
        return name.toString();
    }
}
