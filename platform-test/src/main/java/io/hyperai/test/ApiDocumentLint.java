package io.hyperai.test;

import static io.hyperai.test.OpenApiOperations.map;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a service's OpenAPI document must say of every operation under {@code /api/} and {@code /internal/}, so
 * the reference under {@code docs/api} is one a user can work from: a summary, a described tag, described
 * parameters, an example of every public JSON body, and each error answer as an RFC 9457 problem (401 and 503
 * always, 400 with a body or query, 404 with a resource other than a user in the path).
 */
public final class ApiDocumentLint {

    static final String PROBLEM = "#/components/schemas/Problem";
    static final String PROBLEM_JSON = "application/problem+json";
    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");

    private ApiDocumentLint() {
    }

    /** One line per thing missing, empty when the document is complete. */
    public static List<String> findings(Map<String, Object> document) {
        List<String> findings = new ArrayList<>();
        Map<String, Object> info = map(document.get("info"));
        for (String field : List.of("title", "version", "description")) {
            if (blank(info.get(field))) {
                findings.add("info has no " + field);
            }
        }
        Map<String, Object> problem = map(map(map(document.get("components")).get("schemas")).get("Problem"));
        if (!map(problem.get("properties")).keySet().containsAll(List.of("type", "title", "status", "detail"))) {
            findings.add("components.schemas has no Problem with type, title, status and detail");
        }
        Map<String, Object> tags = new HashMap<>();
        if (document.get("tags") instanceof List<?> declared) {
            declared.forEach(t -> tags.put(String.valueOf(map(t).get("name")), map(t).get("description")));
        }
        map(document.get("paths")).forEach((path, item) -> {
            if (path.startsWith("/api/") || path.startsWith("/internal/")) {
                map(item).forEach((method, operation) -> {
                    if (METHODS.contains(method)) {
                        String name = method.toUpperCase() + " " + path + ": ";
                        operation(path, map(operation), document, tags).forEach(f -> findings.add(name + f));
                    }
                });
            }
        });
        return findings;
    }

    private static List<String> operation(String path, Map<String, Object> operation, Map<String, Object> document,
            Map<String, Object> tags) {
        List<String> findings = new ArrayList<>();
        if (blank(operation.get("summary"))) {
            findings.add("no summary (@Operation)");
        }
        List<?> tagged = operation.get("tags") instanceof List<?> list ? list : List.of();
        if (tagged.isEmpty()) {
            findings.add("no tag (@Tag on the resource)");
        }
        tagged.stream().filter(t -> blank(tags.get(String.valueOf(t))))
                .forEach(t -> findings.add("tag " + t + " has no description"));
        boolean query = false;
        if (operation.get("parameters") instanceof List<?> parameters) {
            for (Object raw : parameters) {
                Map<String, Object> parameter = map(raw);
                query |= !"path".equals(parameter.get("in"));
                if (blank(parameter.get("description"))) {
                    findings.add("parameter " + parameter.get("name") + " has no description (@Parameter)");
                }
            }
        }
        Map<String, Object> body = map(map(operation.get("requestBody")).get("content"));
        Map<String, Object> json = map(body.get("application/json"));
        if (path.startsWith("/api/") && !json.isEmpty() && !json.containsKey("examples") && !json.containsKey("example")) {
            findings.add("JSON request body has no example (@RequestBody with @ExampleObject)");
        }
        Map<String, Object> responses = map(operation.get("responses"));
        if (responses.keySet().stream().noneMatch(code -> code.startsWith("2"))) {
            findings.add("no success response");
        }
        List<String> expected = new ArrayList<>(List.of("401", "503"));
        if (!body.isEmpty() || query) {
            expected.add("400");
        }
        if (path.matches(".*\\{(?!userId})[^}]+}.*")) {
            expected.add("404");
        }
        expected.stream().filter(code -> !responses.containsKey(code))
                .forEach(code -> findings.add("no " + code + " response"));
        responses.forEach((code, raw) -> {
            if (code.startsWith("4") || code.startsWith("5")) {
                problemFinding(resolve(map(raw), document)).ifPresent(f -> findings.add(code + " " + f));
            }
        });
        return findings;
    }

    private static Optional<String> problemFinding(Map<String, Object> response) {
        if (blank(response.get("description"))) {
            return Optional.of("has no description");
        }
        Map<String, Object> content = map(response.get("content"));
        Object ref = map(map(content.get(PROBLEM_JSON)).get("schema")).get("$ref");
        if (content.size() != 1 || !PROBLEM.equals(ref)) {
            return Optional.of("is not " + PROBLEM_JSON + " with the Problem schema: " + content.keySet());
        }
        return Optional.empty();
    }

    /** A {@code #/components/responses/X} reference as the response it names. */
    private static Map<String, Object> resolve(Map<String, Object> response, Map<String, Object> document) {
        if (response.get("$ref") instanceof String ref && ref.startsWith("#/components/responses/")) {
            String name = ref.substring("#/components/responses/".length());
            return map(map(map(document.get("components")).get("responses")).get(name));
        }
        return response;
    }

    private static boolean blank(Object value) {
        return value == null || String.valueOf(value).isBlank();
    }
}
