package io.hyperai.test;

import static io.restassured.RestAssured.given;

import java.util.ArrayList;
import java.util.LinkedHashMap;
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
    private static final List<String> METHODS = List.of("get", "post", "put", "patch", "delete");

    /** A path or query parameter; {@code schema} has its {@code $ref}s resolved. */
    public record Parameter(String name, String in, boolean required, Map<String, Object> schema) {
    }

    /**
     * One operation. {@code bodySchema} is the request body's schema with {@code $ref}s resolved (empty
     * without a body); {@code produces} lists the media types of its success answer.
     */
    public record Operation(String method, String path, String contentType, List<String> roles,
            List<Parameter> parameters, Map<String, Object> bodySchema, List<String> produces) {

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

        public boolean isAdmin() {
            return roles.contains("admin");
        }

        public boolean hasJsonBody() {
            return contentType != null && contentType.contains("json");
        }

        public List<Parameter> parameters(String in) {
            return parameters.stream().filter(p -> p.in().equals(in)).toList();
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
        return parse(given().get("/q/openapi?format=json").then().statusCode(200).extract().jsonPath());
    }

    /** The whole document of the service under test, as parsed JSON. */
    public static Map<String, Object> document() {
        return given().get("/q/openapi?format=json").then().statusCode(200).extract().jsonPath().getMap("");
    }

    /** As {@link #read()}, of the service at {@code baseUri}. */
    public static List<Operation> read(String baseUri) {
        return parse(given().baseUri(baseUri).get("/q/openapi?format=json").then().statusCode(200).extract()
                .jsonPath());
    }

    private static List<Operation> parse(JsonPath doc) {
        Map<String, Map<String, Object>> paths = doc.getMap("paths");
        Map<String, Object> schemas = doc.getMap("components.schemas");
        List<Operation> operations = new ArrayList<>();
        paths.forEach((path, methods) -> {
            if (!path.startsWith("/api/") && !path.startsWith("/internal/")) {
                return;
            }
            methods.forEach((method, raw) -> {
                if (!METHODS.contains(method)) {
                    return;
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> operation = (Map<String, Object>) raw;
                Map<String, Object> body = body(operation);
                operations.add(new Operation(method, path, body == null ? null : (String) body.get("type"),
                        roles(operation), parameters(operation, schemas),
                        body == null ? Map.of() : resolve(map(body.get("schema")), schemas, 0),
                        produces(operation)));
            });
        });
        return operations;
    }

    /** The first declared media type of the request body, and its schema. */
    private static Map<String, Object> body(Map<String, Object> operation) {
        Map<String, Object> content = map(map(operation.get("requestBody")).get("content"));
        if (content.isEmpty()) {
            return null;
        }
        Map.Entry<String, Object> first = content.entrySet().iterator().next();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", first.getKey());
        body.put("schema", map(first.getValue()).get("schema"));
        return body;
    }

    private static List<Parameter> parameters(Map<String, Object> operation, Map<String, Object> schemas) {
        List<Parameter> parameters = new ArrayList<>();
        if (operation.get("parameters") instanceof List<?> list) {
            for (Object raw : list) {
                Map<String, Object> p = map(raw);
                parameters.add(new Parameter((String) p.get("name"), (String) p.get("in"),
                        Boolean.TRUE.equals(p.get("required")), resolve(map(p.get("schema")), schemas, 0)));
            }
        }
        return parameters;
    }

    private static List<String> produces(Map<String, Object> operation) {
        Map<String, Object> responses = map(operation.get("responses"));
        for (Map.Entry<String, Object> response : responses.entrySet()) {
            if (response.getKey().startsWith("2")) {
                return List.copyOf(map(map(response.getValue()).get("content")).keySet());
            }
        }
        return List.of();
    }

    /** The schema with every {@code $ref} replaced by its definition (recursive ones cut off). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> resolve(Map<String, Object> schema, Map<String, Object> schemas, int depth) {
        if (depth > 8) {
            return Map.of();
        }
        if (schema.get("$ref") instanceof String ref) {
            return resolve(map(schemas.get(ref.substring(ref.lastIndexOf('/') + 1))), schemas, depth + 1);
        }
        Map<String, Object> resolved = new LinkedHashMap<>();
        schema.forEach((key, value) -> {
            if (key.equals("properties")) {
                Map<String, Object> properties = new LinkedHashMap<>();
                map(value).forEach((name, p) -> properties.put(name, resolve(map(p), schemas, depth + 1)));
                resolved.put(key, properties);
            } else if (key.equals("items") || key.equals("additionalProperties") && value instanceof Map) {
                resolved.put(key, resolve(map(value), schemas, depth + 1));
            } else {
                resolved.put(key, value instanceof List<?> list ? List.copyOf((List<Object>) list) : value);
            }
        });
        return resolved;
    }

    /** {@code value} as a JSON object of a parsed document, empty if it is not one. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
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
