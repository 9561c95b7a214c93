package io.hyperai.test.matrix;

import java.util.List;
import java.util.Map;

import io.hyperai.test.OpenApiOperations;
import io.hyperai.test.OpenApiOperations.Operation;
import io.hyperai.test.matrix.MalformedCases.Case;
import io.hyperai.test.matrix.MalformedCases.Expect;
import io.restassured.response.Response;

/**
 * For every operation with a body or parameters that any service lists in its {@code /q/openapi},
 * the requests of {@link MalformedCases}, each sent by whoever may call it (the owner, an admin for
 * admin operations, a service for {@code /internal}) at the owner's real resources. What the schema
 * forbids must be a 4xx problem (a 400 for a broken body field names it); nothing may be a 5xx; and
 * the resources read before and after (every list and summary of {@link StateDigest}) must be the
 * same.
 */
public final class MalformedInputMatrix {

    /** Checks counted for strict reading (issue 19): fields no schema lists, fractions where integers belong. */
    public static final String UNKNOWN_FIELDS_REFUSED = "unknown fields refused by name";
    public static final String FRACTIONS_REFUSED = "fractions for integers refused by name";

    private final Requests requests;
    private final Principals principals;
    private final OwnedResources owned;
    private final MatrixReport report;

    private MalformedInputMatrix(Map<String, String> urls, Credentials credentials, OwnedResources owned) {
        this.requests = new Requests(urls);
        this.principals = new Principals(credentials, owned.owner());
        this.owned = owned;
        this.report = new MatrixReport("malformed input", requests);
    }

    public static MatrixReport run(Map<String, String> urls, Credentials credentials, OwnedResources owned) {
        return new MalformedInputMatrix(urls, credentials, owned).run();
    }

    private MatrixReport run() {
        Map<String, List<Operation>> operations = TenantIsolationMatrix.operations(requests.urls());
        Requests control = new Requests(requests.urls());
        Map<String, String> before = StateDigest.settled(control, operations, owned, principals);
        operations.forEach((service, ops) -> ops.forEach(op -> check(service, op)));
        Map<String, String> after = StateDigest.take(control, operations, owned, principals);
        TenantIsolationMatrix.compare(report, before, after);
        report.note(before.size() + " reads of resources (lists, summaries, the owner's items) compared before and"
                + " after");
        return report.finish();
    }

    private void check(String service, Operation op) {
        if (op.parameters().isEmpty() && op.contentType() == null) {
            return;
        }
        String path = owned.path(op).orElse(null);
        if (path == null) {
            // validation comes before lookup, so an id that exists nowhere still tests the input
            report.note(service + " " + op + ": no " + owned.missing(op) + " of the owner's, aimed at "
                    + OpenApiOperations.PLACEHOLDER_ID);
            path = op.concretePath();
        }
        String token = principals.tokenFor(op);
        for (Case c : MalformedCases.of(op, path, owned, owned.hints())) {
            Response r;
            try {
                r = requests.send(service, op.method(), c.path(), token, c.query(), c.body(), null);
            } catch (Exception e) { // rest-assured throws the socket's checked exception undeclared
                if (beyondLineLimit(c) && causedBy(e, java.net.SocketException.class)) {
                    // the server answered 414 and closed while the client was still writing the long line:
                    // the client sees a broken pipe instead of the answer, which is the same refusal
                    report.checked("refused by the HTTP layer (request line too long)");
                    continue;
                }
                throw e;
            }
            int status = r.statusCode();
            String type = r.contentType() == null ? "" : r.contentType();
            boolean problem = type.startsWith("application/problem+json");
            String what = service + " " + op + " [" + c.label() + "] -> " + status + " " + type;
            if ((status == 414 || status == 431) && beyondLineLimit(c)) {
                // Vert.x refuses an over-long request line before any application code runs, so no
                // problem body can be written (quarkusio/quarkus#55082); the refusal itself is right
                report.checked("refused by the HTTP layer (request line too long)");
                continue;
            }
            if (status >= 500) {
                report.fail(what + ": " + MalformedCases.abbreviate(r.asString(), 300));
            } else if (c.expect() == Expect.REJECT && (status < 400 || !problem)) {
                report.fail(what + ", expected a 4xx problem: " + MalformedCases.abbreviate(r.asString(), 300));
            } else if (status >= 400 && !problem) {
                report.fail(what + ", a refusal without a problem body");
            }
            report.checked(c.expect() == Expect.REJECT ? "refused as the schema demands" : "tolerated, not a 5xx");
            if (c.field() != null && status == 400 && problem) {
                // the refusal says which field was wrong, so it is not a refusal of something else
                List<String> named = r.jsonPath().getList("errors.field", String.class);
                if (named == null || !named.contains(c.field())) {
                    report.fail(what + ": the problem names " + named + ", not " + c.field());
                }
                report.checked("refusals naming the broken field");
                if (c.label().endsWith(MalformedCases.NOT_IN_SCHEMA)) {
                    report.checked(UNKNOWN_FIELDS_REFUSED);
                } else if (c.label().endsWith(MalformedCases.FRACTION)) {
                    report.checked(FRACTIONS_REFUSED);
                }
            }
            if (status < 400) {
                report.note("accepted: " + what);
            }
        }
    }

    /** Quarkus' default limit of the HTTP request line (quarkus.http.limits.max-initial-line-length). */
    private static boolean beyondLineLimit(Case c) {
        int length = c.path().length();
        if (c.query() != null) {
            length += c.query().values().stream().mapToInt(v -> String.valueOf(v).length()).sum();
        }
        return length > 4096;
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
