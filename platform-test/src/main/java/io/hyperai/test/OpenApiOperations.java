package io.hyperai.test;

import static io.restassured.RestAssured.given;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.restassured.config.EncoderConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

/**
 * The operations a running service describes in its {@code /q/openapi}, so tests can cover every
 * endpoint, including ones added later, without being edited.
 */
public final class OpenApiOperations {

    public static final String PLACEHOLDER_ID = "00000000-0000-4000-8000-000000000000";

    public record Operation(String method, String path, String contentType, List<String> roles) {

        /** The path with every template variable replaced by an id that exists nowhere. */
        public String concretePath() {
            return path.replaceAll("\\{[^}]+}", PLACEHOLDER_ID);
        }

        /** A request for this operation with a harmless body of the declared content type. */
        public RequestSpecification request(RequestSpecification spec) {
            if (contentType == null) {
                return spec;
            }
            String body = contentType.contains("json") ? "{}" : "";
            // rest-assured cannot encode an empty multipart body unless told to treat it as text
            return spec.config(RestAssuredConfig.config().encoderConfig(EncoderConfig.encoderConfig()
                    .encodeContentTypeAs(contentType, ContentType.TEXT))).contentType(contentType).body(body);
        }

        public boolean isInternal() {
            return path.startsWith("/internal/");
        }

        @Override
        public String toString() {
            return method.toUpperCase() + " " + path;
        }
    }

    private OpenApiOperations() {
    }

    /** Every operation under {@code /api/} and {@code /internal/} of the service under test. */
    public static List<Operation> read() {
        JsonPath doc = given().get("/q/openapi?format=json").then().statusCode(200).extract().jsonPath();
        Map<String, Map<String, Object>> paths = doc.getMap("paths");
        List<Operation> operations = new ArrayList<>();
        paths.forEach((path, methods) -> {
            if (!path.startsWith("/api/") && !path.startsWith("/internal/")) {
                return;
            }
            methods.forEach((method, raw) -> {
                if (!List.of("get", "post", "put", "patch", "delete").contains(method)) {
                    return;
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> operation = (Map<String, Object>) raw;
                operations.add(new Operation(method, path, contentType(operation), roles(operation)));
            });
        });
        return operations;
    }

    @SuppressWarnings("unchecked")
    private static String contentType(Map<String, Object> operation) {
        Object body = operation.get("requestBody");
        if (!(body instanceof Map<?, ?> requestBody) || !(requestBody.get("content") instanceof Map<?, ?> content)
                || content.isEmpty()) {
            return null;
        }
        return ((Map<String, Object>) content).keySet().iterator().next();
    }

    @SuppressWarnings("unchecked")
    private static List<String> roles(Map<String, Object> operation) {
        Object security = operation.get("security");
        List<String> roles = new ArrayList<>();
        if (security instanceof List<?> requirements) {
            for (Object requirement : requirements) {
                if (requirement instanceof Map<?, ?> map) {
                    map.values().forEach(v -> {
                        if (v instanceof List<?> list) {
                            list.forEach(r -> roles.add(String.valueOf(r)));
                        }
                    });
                }
            }
        }
        return roles;
    }
}
