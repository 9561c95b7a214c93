package io.hyperai.test.matrix;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.hyperai.test.OpenApiOperations.Operation;
import io.hyperai.test.OpenApiOperations.Parameter;
import io.hyperai.test.matrix.MalformedCases.Case;
import io.hyperai.test.matrix.MalformedCases.Expect;

/** How the matrices read templates and schemas, without services. */
class MatrixPiecesTest {

    private static Operation op(String method, String path, Map<String, Object> body, List<Parameter> parameters) {
        return new Operation(method, path, body.isEmpty() ? null : "application/json", List.of(), parameters, body,
                List.of("application/json"));
    }

    @Test
    void templateVariablesAreKeyedByTheSegmentsBeforeThemSoPublicAndInternalPathsShareValues() {
        assertThat(OwnedResources.keys("/api/v1/datasets/{id}/versions/{n}/files/{path}"))
                .containsExactly("datasets", "datasets/versions", "datasets/versions/files");
        assertThat(OwnedResources.keys("/internal/warehouse/datasets/{id}/versions/{n}"))
                .containsExactly("datasets", "datasets/versions");
        OwnedResources owned = new OwnedResources("alice").put("datasets", "d1").put("datasets/versions", "2");
        assertThat(owned.path(op("get", "/internal/warehouse/datasets/{id}/versions/{n}", Map.of(), List.of())))
                .contains("/internal/warehouse/datasets/d1/versions/2");
        Operation files = op("get", "/api/v1/datasets/{id}/versions/{n}/files/{path}", Map.of(), List.of());
        assertThat(owned.path(files)).isEmpty();
        assertThat(owned.missing(files)).containsExactly("datasets/versions/files");
    }

    @Test
    void samplesSatisfyTheSchemaAndOutsideValuesBreakItEitherWayAPatternIsRead() {
        Map<String, Object> kind = Map.of("type", "string", "pattern", "CPU|GPU");
        assertThat(Samples.valid(kind, "kind", Map.of(), true)).isEqualTo("CPU");
        // @NotBlank is documented as \S: any non-blank text fits it, only a blank one is outside
        assertThat(Samples.outside("\\S", "~ ~")).isFalse();
        assertThat(Samples.outside("\\S", " ")).isTrue();
        assertThat(Samples.outside("[a-z0-9][a-z0-9._-]{1,63}", "~ ~")).isTrue();
    }

    @Test
    void casesRefuseWhatTheSchemaForbidsAndOnlyTolerateWhatItAllows() {
        Map<String, Object> schema = Map.of("type", "object", "required", List.of("mode"), "properties", Map.of(
                "mode", Map.of("type", "string", "enum", List.of("script", "jupyter")),
                "size", Map.of("type", "integer", "minimum", 1, "maximum", 100),
                "note", Map.of("type", "string")));
        Operation post = op("post", "/api/v1/things", schema,
                List.of(new Parameter("page", "query", false, Map.of("type", "integer", "minimum", 0))));
        List<Case> cases = MalformedCases.of(post, "/api/v1/things", new OwnedResources("alice"), Map.of());
        Map<String, Expect> byLabel = new java.util.HashMap<>();
        cases.forEach(c -> byLabel.put(c.label(), c.expect()));
        assertThat(byLabel).containsEntry("field mode: missing", Expect.REJECT)
                .containsEntry("field mode: unknown enum value", Expect.REJECT)
                .containsEntry("field size: negative", Expect.REJECT)
                .containsEntry("field size: above maximum", Expect.REJECT)
                .containsEntry("field size: huge", Expect.REJECT)
                .containsEntry("field note: wrong type", Expect.REJECT)
                .containsEntry("field note: 100 KB string", Expect.SURVIVE)
                .containsEntry("invalid JSON", Expect.REJECT)
                .containsEntry("wrong content type", Expect.REJECT)
                .containsEntry("query page: negative", Expect.REJECT)
                .containsEntry("query page: wrong type", Expect.REJECT);
        Case missing = cases.stream().filter(c -> c.label().equals("field mode: missing")).findFirst().orElseThrow();
        assertThat(missing.body().text()).doesNotContain("\"mode\"").contains("\"size\"");
    }

    @Test
    void everyObjectOfABodyGetsAFieldItDoesNotListAndEveryIntegerAFraction() {
        Map<String, Object> binding = Map.of("type", "object", "properties", Map.of(
                "mountPath", Map.of("type", "string"),
                "version", Map.of("type", "integer")));
        Map<String, Object> schema = Map.of("type", "object", "properties", Map.of(
                "share", Map.of("type", "number"),
                "bindings", Map.of("type", "array", "items", binding),
                "labels", Map.of("type", "object", "additionalProperties", Map.of("type", "string"))));
        Operation post = op("post", "/api/v1/things", schema, List.of());
        Map<String, Case> byLabel = new java.util.HashMap<>();
        MalformedCases.of(post, "/api/v1/things", new OwnedResources("alice"), Map.of())
                .forEach(c -> byLabel.put(c.label(), c));

        Case top = byLabel.get("field notAField: not in the schema");
        assertThat(top.expect()).isEqualTo(Expect.REJECT);
        assertThat(top.body().text()).contains("\"notAField\":\"x\"", "\"bindings\"");
        assertThat(byLabel.get("field bindings[0].notAField: not in the schema").field())
                .isEqualTo("bindings[0].notAField");
        assertThat(byLabel).doesNotContainKey("field labels.notAField: not in the schema");

        Case fraction = byLabel.get("field bindings[0].version: fraction");
        assertThat(fraction.field()).isEqualTo("bindings[0].version");
        assertThat(fraction.body().text()).contains("\"version\":1.5");
        assertThat(byLabel).doesNotContainKey("field share: fraction");
    }
}
