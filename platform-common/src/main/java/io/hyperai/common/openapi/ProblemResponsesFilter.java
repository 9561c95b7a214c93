package io.hyperai.common.openapi;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

import io.hyperai.common.problem.Problem;
import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * Gives every operation the error answers any operation may give, pointing at the shared responses declared in
 * this package's {@code package-info}, so no resource repeats them: 401 and 503 always, 400 when it takes a body
 * or a query, 404 when its path names a resource (not a user), 403 where Quarkus marked it; and tags
 * {@code /internal/} operations {@code internal}. An error a resource declares itself (a 409 or 402 with its own
 * description) gets the problem body here too. Runs at build time, so the document stored under
 * {@code target/openapi} and committed under {@code docs/api} has all of it.
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.BUILD)
public class ProblemResponsesFilter implements OASFilter {

    static final String INTERNAL_TAG = "internal";
    /** What Quarkus writes when it adds 400, 401 and 403 by itself: placeholders to replace, not descriptions. */
    private static final Set<String> GENERATED = Set.of("Bad Request", "Not Authorized", "Not Allowed");
    /** A path variable other than a user id: every user has an account, created on first use, so no 404. */
    private static final Pattern NAMES_A_RESOURCE = Pattern.compile("\\{(?!userId})[^}]+}");

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            if (path.startsWith("/api/") || path.startsWith("/internal/")) {
                item.getOperations().values().forEach(operation -> document(path, operation));
            }
        });
    }

    private static void document(String path, Operation operation) {
        if (path.startsWith("/internal/") && (operation.getTags() == null || operation.getTags().isEmpty())) {
            operation.setTags(List.of(INTERNAL_TAG));
        }
        if (operation.getResponses() == null) {
            operation.setResponses(OASFactory.createAPIResponses());
        }
        APIResponses responses = operation.getResponses();
        // a malformed path segment reads as a resource that does not exist (404); a resource that checks one
        // for a 400 declares it
        boolean input = operation.getRequestBody() != null || operation.getParameters() != null
                && operation.getParameters().stream().anyMatch(p -> p.getIn() != Parameter.In.PATH);
        if (input) {
            shared(responses, "400", "BadRequest");
        }
        shared(responses, "401", "Unauthorized");
        if (responses.hasAPIResponse("403")) {
            shared(responses, "403", "Forbidden");
        }
        if (NAMES_A_RESOURCE.matcher(path).find()) {
            shared(responses, "404", "NotFound");
        }
        shared(responses, "503", "ServiceUnavailable");
        responses.getAPIResponses().forEach((code, response) -> {
            if ((code.startsWith("4") || code.startsWith("5")) && response.getRef() == null
                    && response.getContent() == null) {
                response.setContent(problem());
            }
        });
        // in status order, whatever order the scanner and this filter added them in
        Map<String, APIResponse> sorted = new TreeMap<>(responses.getAPIResponses());
        responses.setAPIResponses(sorted);
    }

    /** Points {@code code} at a shared response unless the resource described it itself. */
    private static void shared(APIResponses responses, String code, String name) {
        APIResponse existing = responses.getAPIResponse(code);
        if (existing == null || existing.getContent() == null
                && (existing.getDescription() == null || GENERATED.contains(existing.getDescription()))) {
            responses.addAPIResponse(code, OASFactory.createAPIResponse().ref(name));
        }
    }

    private static Content problem() {
        return OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE,
                OASFactory.createMediaType().schema(OASFactory.createSchema().ref("Problem")));
    }
}
