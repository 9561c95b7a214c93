package io.hyperai.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The linter on small documents: a complete one passes, and each gap is named. */
class ApiDocumentLintTest {

    private static final String COMPLETE = """
            {"info": {"title": "HyperAI x", "version": "1", "description": "Things."},
             "tags": [{"name": "Things", "description": "The caller's things."}],
             "components": {
               "schemas": {"Problem": {"properties": {"type": {}, "title": {}, "status": {}, "detail": {}}}},
               "responses": {"NotFound": {"description": "No such thing.",
                 "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}}},
             "paths": {"/api/v1/things/{id}": {"put": {
               "summary": "Replace a thing", "tags": ["Things"],
               "parameters": [{"name": "id", "in": "path", "description": "The thing's id"}],
               "requestBody": {"content": {"application/json": {"examples": {"a": {"value": {}}}}}},
               "responses": {
                 "200": {"description": "OK"},
                 "400": {"description": "Bad", "content": {"application/problem+json":
                   {"schema": {"$ref": "#/components/schemas/Problem"}}}},
                 "401": {"description": "Who?", "content": {"application/problem+json":
                   {"schema": {"$ref": "#/components/schemas/Problem"}}}},
                 "404": {"$ref": "#/components/responses/NotFound"},
                 "503": {"description": "Later", "content": {"application/problem+json":
                   {"schema": {"$ref": "#/components/schemas/Problem"}}}}}}}}}
            """;

    private static Map<String, Object> parse(String json) throws Exception {
        return new ObjectMapper().readValue(json, new TypeReference<>() {
        });
    }

    @Test
    void aCompleteDocumentHasNoFindings() throws Exception {
        assertThat(ApiDocumentLint.findings(parse(COMPLETE))).isEmpty();
    }

    @Test
    void eachGapIsNamedWithItsOperation() throws Exception {
        String gaps = COMPLETE.replace("\"summary\": \"Replace a thing\", ", "")
                .replace("\"description\": \"The thing's id\"", "\"x\": 1")
                .replace("\"examples\": {\"a\": {\"value\": {}}}", "\"schema\": {}")
                .replace("\"description\": \"The caller's things.\"", "\"x\": 1")
                .replace("\"401\": {\"description\": \"Who?\", \"content\": {\"application/problem+json\"",
                        "\"401\": {\"description\": \"Who?\", \"content\": {\"application/json\"")
                .replace("\"503\":", "\"502\":")
                .replace("\"description\": \"No such thing.\",", "");
        assertThat(ApiDocumentLint.findings(parse(gaps))).containsExactlyInAnyOrder(
                "PUT /api/v1/things/{id}: no summary (@Operation)",
                "PUT /api/v1/things/{id}: tag Things has no description",
                "PUT /api/v1/things/{id}: parameter id has no description (@Parameter)",
                "PUT /api/v1/things/{id}: JSON request body has no example (@RequestBody with @ExampleObject)",
                "PUT /api/v1/things/{id}: no 503 response",
                "PUT /api/v1/things/{id}: 401 is not application/problem+json with the Problem schema: [application/json]",
                "PUT /api/v1/things/{id}: 404 has no description");
    }

    @Test
    void anOperationWithoutTagsAndAProblemSchemaIsReported() throws Exception {
        String gaps = COMPLETE.replace("\"tags\": [\"Things\"],", "").replace("\"Problem\":", "\"Other\":")
                .replace("\"description\": \"Things.\"", "\"x\": 1");
        List<String> findings = ApiDocumentLint.findings(parse(gaps));
        assertThat(findings).contains("info has no description",
                "components.schemas has no Problem with type, title, status and detail",
                "PUT /api/v1/things/{id}: no tag (@Tag on the resource)");
    }
}
