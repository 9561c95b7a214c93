package io.hyperai.test.matrix;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.hyperai.test.OpenApiOperations;
import io.hyperai.test.OpenApiOperations.Operation;
import io.hyperai.test.matrix.Requests.Body;
import io.restassured.response.Response;

/**
 * For every operation every service lists in its {@code /q/openapi}: no token and expired,
 * foreign-issuer, wrong-audience and forged tokens are 401; a user token on {@code /internal/**} is
 * 403 (an admin's too); an admin operation is 403 for a plain user; the intruder on each of the
 * owner's resources is 404 and never sees her ids or names, in lists and summaries neither. The
 * owner's resources answer her before and after, unchanged, so each 404 is isolation, not absence.
 */
public final class TenantIsolationMatrix {

    private final Requests requests;
    private final Credentials credentials;
    private final OwnedResources owned;
    private final String intruder;
    private final MatrixReport report;

    private TenantIsolationMatrix(Map<String, String> urls, Credentials credentials, OwnedResources owned,
            String intruder) {
        this.requests = new Requests(urls);
        this.credentials = credentials;
        this.owned = owned;
        this.intruder = intruder;
        this.report = new MatrixReport("tenant isolation", requests);
    }

    /**
     * Runs the matrix on the services at {@code urls} (name to base URL), aiming {@code intruder} at
     * {@code owned}.
     */
    public static MatrixReport run(Map<String, String> urls, Credentials credentials, OwnedResources owned,
            String intruder) {
        return new TenantIsolationMatrix(urls, credentials, owned, intruder).run();
    }

    private MatrixReport run() {
        Map<String, List<Operation>> operations = operations(requests.urls());
        Requests control = new Requests(requests.urls());
        Principals principals = new Principals(credentials, owned.owner());
        Map<String, String> before = StateDigest.settled(control, operations, owned, principals);
        operations.forEach((service, ops) -> ops.forEach(op -> {
            // her own resources answer her: the intruder's 404 on them is isolation, not absence
            if (op.method().equals("get") && !op.isInternal() && !op.isAdmin() && !owned.isShared(op)
                    && !OwnedResources.keys(op.path()).isEmpty()) {
                owned.path(op).map(path -> control.send(service, op, path, principals.tokenFor(op)))
                        .filter(r -> r.statusCode() != 200)
                        .ifPresent(r -> report.fail("owner's own " + service + " " + op + " -> " + r.statusCode()));
                report.checked("owner reads her own resource");
            }
        }));
        operations.forEach((service, ops) -> ops.forEach(op -> check(service, op)));
        Map<String, String> after = StateDigest.take(control, operations, owned, principals);
        compare(report, before, after);
        report.note(before.size() + " reads of lists, summaries and the owner's items unchanged by the intruder");
        return report.finish();
    }

    static Map<String, List<Operation>> operations(Map<String, String> urls) {
        Map<String, List<Operation>> operations = new LinkedHashMap<>();
        urls.forEach((service, url) -> operations.put(service, OpenApiOperations.read(url)));
        return operations;
    }

    static void compare(MatrixReport report, Map<String, String> before, Map<String, String> after) {
        before.forEach((read, answer) -> {
            if (!answer.equals(after.get(read))) {
                report.fail("state changed: " + read + " was [" + answer + "], now [" + after.get(read) + "]");
            }
        });
    }

    private void check(String service, Operation op) {
        String path = owned.path(op).orElse(op.concretePath());
        Body body = body(op);
        expect(service, op, path, null, body, null, 401, "no token");
        expect(service, op, path, credentials.expired(), body, null, 401, "expired token");
        expect(service, op, path, credentials.wrongIssuer(), body, null, 401, "wrong issuer");
        expect(service, op, path, credentials.wrongAudience(), body, null, 401, "wrong audience");
        expect(service, op, path, credentials.forged(), body, null, 401, "forged signature");
        String intruderToken = credentials.user(intruder);
        if (op.isInternal()) {
            expect(service, op, path, intruderToken, body, null, 403, "user on /internal");
            expect(service, op, path, credentials.admin(), body, null, 403, "admin on /internal");
        } else if (op.isAdmin()) {
            expect(service, op, path, intruderToken, body, null, 403, "user on admin operation");
        } else if (OwnedResources.keys(op.path()).isEmpty()) {
            if (op.method().equals("get")) {
                Response r = requests.send(service, op.method(), path, intruderToken, null, null, null);
                report.checked("intruder's own lists and summaries");
                if (r.statusCode() >= 500) {
                    report.fail(service + " " + op + " as " + intruder + " -> " + r.statusCode());
                }
                leaks(service, op, path, r);
                ownersIdsAsFilters(service, op, path, intruderToken);
            } else {
                report.checked("creations (nothing of the owner's to aim at)");
            }
        } else if (owned.isShared(op)) {
            report.checked("shared catalogue entries (nobody's own)");
        } else if (owned.path(op).isEmpty()) {
            report.skip(service + " " + op + ": no " + owned.missing(op) + " of the owner's to aim at");
        } else {
            String missing = owned.pathWith(op, 0, OpenApiOperations.PLACEHOLDER_ID).orElseThrow();
            String first = owned.value(OwnedResources.keys(op.path()).get(0)).orElseThrow();
            for (String accept : accepts(op)) {
                Response r = expect(service, op, path, intruderToken, body, accept, 404, "intruder on owner's resource");
                leaks(service, op, path, r);
                // the same answer as for something that does not exist: nothing tells bob it is there
                Response none = requests.send(service, op.method(), missing, intruderToken, null, body, accept);
                // each answer carries its own request's trace id; everything else must be the same
                String seen = withoutTraceId(r.asString().replace(first, OpenApiOperations.PLACEHOLDER_ID));
                if (none.statusCode() != r.statusCode() || !withoutTraceId(none.asString()).equals(seen)) {
                    report.fail("distinguishable: " + service + " " + op + " answers " + intruder + " [" + r.statusCode()
                            + " " + seen + "] but for a missing one [" + none.statusCode() + " " + none.asString()
                            + "]");
                }
                report.checked("intruder's answer equals a missing resource's");
            }
        }
    }

    private static String withoutTraceId(String body) {
        return body.replaceAll("\"traceId\":\"[0-9a-f]{32}\"", "\"traceId\":\"-\"");
    }

    /** Each of the owner's ids in each text query parameter (a filter such as gearId) shows the intruder nothing. */
    private void ownersIdsAsFilters(String service, Operation op, String path, String intruderToken) {
        for (OpenApiOperations.Parameter p : op.parameters("query")) {
            if (!Samples.type(p.schema()).equals("string")) {
                continue;
            }
            for (String marker : owned.markers()) {
                Response r = requests.send(service, op.method(), path, intruderToken, Map.of(p.name(), marker), null,
                        null);
                report.checked("intruder filtering by the owner's ids");
                if (r.statusCode() >= 500) {
                    report.fail(service + " " + op + "?" + p.name() + "=" + marker + " as " + intruder + " -> "
                            + r.statusCode());
                }
                leaks(service, op, path + "?" + p.name() + "=" + marker, r);
            }
        }
    }

    private Body body(Operation op) {
        if (op.contentType() == null) {
            return null;
        }
        if (!op.hasJsonBody()) {
            return Body.file();
        }
        // the intruder names none of the owner's ids in his body, only in the path
        Map<String, Object> hints = new LinkedHashMap<>(owned.hints());
        hints.values().removeIf(v -> owned.markers().contains(String.valueOf(v)));
        return Body.json(MalformedCases.json(Samples.valid(op.bodySchema(), "", hints, true)));
    }

    /** Each media type the operation answers with, so every representation is checked. */
    private static List<String> accepts(Operation op) {
        List<String> accepts = new ArrayList<>(op.produces());
        if (accepts.size() < 2) {
            accepts.clear();
            accepts.add(null);
        }
        return accepts;
    }

    private Response expect(String service, Operation op, String path, String token, Body body, String accept,
            int status, String kind) {
        Response r = requests.send(service, op.method(), path, token, null, body, accept);
        report.checked(kind);
        String type = r.contentType() == null ? "" : r.contentType();
        if (r.statusCode() != status || !type.startsWith("application/problem+json")) {
            report.fail(kind + ": " + service + " " + op + (accept == null ? "" : " (Accept " + accept + ")") + " -> "
                    + r.statusCode() + " " + type + ", expected " + status + " problem+json: "
                    + MalformedCases.abbreviate(r.asString(), 300));
        }
        return r;
    }

    /** Whether the answer shows any of the owner's ids or names, other than those the request itself named. */
    private void leaks(String service, Operation op, String path, Response r) {
        String text = r.asString();
        for (String marker : owned.markers()) {
            if (text.contains(marker) && !path.contains(marker)) {
                report.fail("leak: " + service + " " + op + " showed " + intruder + " the owner's " + marker);
            }
        }
    }
}
