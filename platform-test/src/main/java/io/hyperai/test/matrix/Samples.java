package io.hyperai.test.matrix;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.hyperai.test.OpenApiOperations;

/**
 * Values that satisfy a JSON schema as far as it says (type, enum, pattern, length, bounds), for
 * bodies that reach past validation. {@code hints} give values by property name (a compute spec that
 * exists, say); a value that does not fit the schema is not used.
 */
final class Samples {

    private static final List<String> CANDIDATES = List.of("matrix-sample-1", "sample", "a1", "x");

    private Samples() {
    }

    static Object valid(Map<String, Object> schema, String name, Map<String, Object> hints, boolean requiredOnly) {
        Object hint = hints.get(name);
        if (hint != null) {
            return hint;
        }
        if (schema.get("enum") instanceof List<?> values && !values.isEmpty()) {
            return values.get(0);
        }
        return switch (type(schema)) {
            case "object" -> object(schema, hints, requiredOnly);
            case "array" -> {
                long min = number(schema, "minItems", requiredOnly ? 0 : 1);
                Map<String, Object> items = OpenApiOperations.map(schema.get("items"));
                yield min == 0 ? List.of() : List.of(valid(items, name, hints, requiredOnly));
            }
            case "integer", "number" -> integer(schema);
            case "boolean" -> true;
            default -> string(schema);
        };
    }

    static Map<String, Object> object(Map<String, Object> schema, Map<String, Object> hints, boolean requiredOnly) {
        Map<String, Object> body = new LinkedHashMap<>();
        List<?> required = schema.get("required") instanceof List<?> r ? r : List.of();
        OpenApiOperations.map(schema.get("properties")).forEach((property, raw) -> {
            if (!requiredOnly || required.contains(property) || hints.containsKey(property)) {
                body.put(property, valid(OpenApiOperations.map(raw), property, hints, requiredOnly));
            }
        });
        return body;
    }

    static String type(Map<String, Object> schema) {
        if (schema.get("type") instanceof String t) {
            return t;
        }
        return schema.containsKey("properties") ? "object" : "string";
    }

    private static long integer(Map<String, Object> schema) {
        long value = 1;
        if (schema.get("minimum") instanceof Number min) {
            value = Math.max(value, min.longValue());
        }
        if (schema.get("maximum") instanceof Number max) {
            value = Math.min(value, max.longValue());
        }
        return value;
    }

    private static String string(Map<String, Object> schema) {
        if ("date-time".equals(schema.get("format"))) {
            return Instant.now().toString();
        }
        String pattern = (String) schema.get("pattern");
        long maxLength = number(schema, "maxLength", Long.MAX_VALUE);
        java.util.ArrayList<String> candidates = new java.util.ArrayList<>(CANDIDATES);
        if (pattern != null) {
            // an alternation of literals (CPU|GPU) offers its first one
            candidates.add(0, pattern.split("\\|")[0]);
        }
        for (String candidate : candidates) {
            if (candidate.length() <= maxLength && matches(pattern, candidate)) {
                return candidate;
            }
        }
        return "x";
    }

    /** Bean Validation's {@code @Pattern} matches the whole value, so a sample must too. */
    static boolean matches(String pattern, String value) {
        return pattern == null || compile(pattern).matcher(value).matches();
    }

    /**
     * Whether {@code value} is outside {@code pattern} however it is read: JSON Schema searches
     * ({@code @NotBlank} becomes {@code \\S}), Bean Validation matches the whole value.
     */
    static boolean outside(String pattern, String value) {
        return pattern != null && !compile(pattern).matcher(value).find();
    }

    private static Pattern compile(String pattern) {
        try {
            return Pattern.compile(pattern, Pattern.DOTALL);
        } catch (PatternSyntaxException e) {
            return Pattern.compile(".*", Pattern.DOTALL);
        }
    }

    static long number(Map<String, Object> schema, String key, long otherwise) {
        return schema.get(key) instanceof Number n ? n.longValue() : otherwise;
    }
}
