package io.hyperai.test.matrix;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.hyperai.test.OpenApiOperations;
import io.hyperai.test.OpenApiOperations.Operation;
import io.hyperai.test.OpenApiOperations.Parameter;
import io.hyperai.test.matrix.Requests.Body;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The malformed requests of one operation, derived from its parameters and body schema: wrong types,
 * missing required fields, fields the schema does not list, fractions for integers, unknown enum or pattern values,
 * negative and huge numbers, 100 KB strings, invalid JSON and a wrong content type. Every other part of a request is valid, so the one broken
 * part is what the service must refuse.
 */
final class MalformedCases {

    /** {@code REJECT}: the schema forbids it, a 4xx problem is due. {@code SURVIVE}: allowed, but never a 5xx. */
    enum Expect { REJECT, SURVIVE }

    /** {@code field}: the body field the case breaks ({@code bindings[0].source.kind}), null if none. */
    record Case(String label, Expect expect, String path, Map<String, Object> query, Body body, String field) {
    }

    static final String HUGE = "1" + "0".repeat(30);
    static final String LONG = "x".repeat(100 * 1024);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Values that break most patterns: punctuation and a space, a blank, a control character. */
    private static final List<String> OUTSIDE = List.of("~ ~", " ", "\u0001");
    /** A field no schema lists, sent beside the valid ones of every object of a body. */
    static final String UNKNOWN_FIELD = "notAField";
    static final String NOT_IN_SCHEMA = ": not in the schema";
    static final String FRACTION = ": fraction";
    private static final List<String> ODD_IDS = List.of("-1", "99999999999999999999", "no such id", "x".repeat(3000));

    private final Operation operation;
    private final String path;
    private final Map<String, Object> hints;
    private final Map<String, Object> validQuery = new LinkedHashMap<>();
    private final Body validBody;
    private final Object baseBody;
    private final List<Case> cases = new ArrayList<>();

    private MalformedCases(Operation operation, String path, Map<String, Object> hints) {
        this.operation = operation;
        this.path = path;
        this.hints = hints;
        for (Parameter p : operation.parameters("query")) {
            if (p.required()) {
                validQuery.put(p.name(), Samples.valid(p.schema(), p.name(), hints, true));
            }
        }
        if (operation.hasJsonBody()) {
            baseBody = Samples.valid(operation.bodySchema(), "", hints, false);
            validBody = Body.json(json(baseBody));
        } else {
            baseBody = null;
            validBody = operation.contentType() == null ? null : Body.file();
        }
    }

    /** The cases of {@code operation}, sent to {@code path} (its variables filled with real values). */
    static List<Case> of(Operation operation, String path, OwnedResources owned, Map<String, Object> hints) {
        MalformedCases c = new MalformedCases(operation, path, hints);
        c.pathVariables(owned);
        operation.parameters("query").forEach(c::queryParameter);
        if (operation.hasJsonBody()) {
            c.jsonBody();
        } else if (operation.contentType() != null) {
            c.multipartBody();
        }
        return c.cases;
    }

    private void pathVariables(OwnedResources owned) {
        List<Parameter> variables = operation.parameters("path");
        for (int i = 0; i < variables.size(); i++) {
            for (String odd : ODD_IDS) {
                String label = "path " + variables.get(i).name() + "=" + abbreviate(odd);
                owned.pathWith(operation, i, odd).ifPresent(p -> add(label, Expect.SURVIVE, p, validQuery, validBody));
            }
        }
    }

    private void queryParameter(Parameter p) {
        Map<String, Object> s = p.schema();
        String type = Samples.type(s);
        List<Object[]> values = new ArrayList<>();
        switch (type) {
            case "integer", "number" -> {
                values.add(new Object[] { "wrong type", "not-a-number", Expect.REJECT });
                numbers(s).forEach(values::add);
            }
            case "boolean" -> values.add(new Object[] { "wrong type", "not-a-boolean", Expect.REJECT });
            default -> {
                boolean constrained = s.containsKey("enum") || s.containsKey("pattern") || s.containsKey("format");
                values.add(new Object[] { "unknown value", "~NOT A VALUE~", constrained ? Expect.REJECT
                        : Expect.SURVIVE });
                values.add(new Object[] { "100 KB string", LONG, s.containsKey("maxLength") || constrained
                        ? Expect.REJECT : Expect.SURVIVE });
            }
        }
        for (Object[] v : values) {
            Map<String, Object> query = new LinkedHashMap<>(validQuery);
            query.put(p.name(), v[1]);
            add("query " + p.name() + ": " + v[0], (Expect) v[2], path, query, validBody);
        }
    }

    private static List<Object[]> numbers(Map<String, Object> s) {
        List<Object[]> values = new ArrayList<>();
        if (Samples.number(s, "minimum", -1) >= 0 || s.containsKey("exclusiveMinimum")) {
            values.add(new Object[] { "negative", -1, Expect.REJECT });
        }
        if (s.get("maximum") instanceof Number max) {
            values.add(new Object[] { "above maximum", max.longValue() + 1, Expect.REJECT });
        }
        values.add(new Object[] { "huge", HUGE, Expect.REJECT });
        return values;
    }

    private void multipartBody() {
        add("wrong content type", Expect.REJECT, path, validQuery, Body.json("{}"));
        add("empty multipart", Expect.REJECT, path, validQuery,
                Body.raw("multipart/form-data; boundary=matrix", "--matrix--\r\n"));
        add("invalid multipart", Expect.REJECT, path, validQuery,
                Body.raw("multipart/form-data; boundary=matrix", "not multipart at all"));
    }

    private void jsonBody() {
        Map<String, Object> schema = operation.bodySchema();
        boolean required = schema.get("required") instanceof List<?> r && !r.isEmpty();
        add("invalid JSON", Expect.REJECT, path, validQuery, Body.json("{\"" + firstProperty(schema) + "\": "));
        add("wrong content type", Expect.REJECT, path, validQuery, Body.raw("text/plain", "hello"));
        for (String wrong : List.of("[]", "42", "\"text\"")) {
            add("body is " + wrong, Expect.REJECT, path, validQuery, Body.json(wrong));
        }
        if (required) {
            add("empty body", Expect.REJECT, path, validQuery, Body.raw("application/json", ""));
        }
        fields(schema, new ArrayList<>());
    }

    /** Cases for every property of {@code schema}, found at {@code at} in the base body. */
    private void fields(Map<String, Object> schema, List<Object> at) {
        unknownField(schema, at);
        List<?> required = schema.get("required") instanceof List<?> r ? r : List.of();
        OpenApiOperations.map(schema.get("properties")).forEach((name, raw) -> {
            Map<String, Object> s = OpenApiOperations.map(raw);
            List<Object> field = new ArrayList<>(at);
            field.add(name);
            String label = "field " + pointer(field);
            if (required.contains(name)) {
                cases.add(new Case(label + ": missing", Expect.REJECT, path, validQuery,
                        Body.json(json(without(field))), pointer(field)));
            }
            for (Object[] v : fieldValues(s)) {
                cases.add(new Case(label + ": " + v[0], (Expect) v[2], path, validQuery,
                        Body.json(json(with(field, v[1]))), pointer(field)));
            }
            String type = Samples.type(s);
            if (type.equals("object")) {
                fields(s, field);
            } else if (type.equals("array") && Samples.type(OpenApiOperations.map(s.get("items"))).equals("object")) {
                field.add(0);
                fields(OpenApiOperations.map(s.get("items")), field);
            }
        });
    }

    /** An object that lists its properties refuses one it does not list; a map's keys are free. */
    private void unknownField(Map<String, Object> schema, List<Object> at) {
        if (OpenApiOperations.map(schema.get("properties")).isEmpty() || schema.containsKey("additionalProperties")
                || !(node(baseBody, at) instanceof Map)) {
            return;
        }
        List<Object> field = new ArrayList<>(at);
        field.add(UNKNOWN_FIELD);
        cases.add(new Case("field " + pointer(field) + NOT_IN_SCHEMA, Expect.REJECT, path, validQuery,
                Body.json(json(with(field, "x"))), pointer(field)));
    }

    private List<Object[]> fieldValues(Map<String, Object> s) {
        List<Object[]> values = new ArrayList<>();
        switch (Samples.type(s)) {
            case "integer", "number" -> {
                values.add(new Object[] { "wrong type", "not-a-number", Expect.REJECT });
                if (Samples.type(s).equals("integer")) {
                    // read as 1 once, silently
                    values.add(new Object[] { "fraction", 1.5, Expect.REJECT });
                }
                for (Object[] n : numbers(s)) {
                    // a number too big for any Java integer type, written as a JSON number
                    values.add(n[1] == HUGE ? new Object[] { n[0], new java.math.BigInteger(HUGE), n[2] } : n);
                }
            }
            case "boolean" -> values.add(new Object[] { "wrong type", "not-a-boolean", Expect.REJECT });
            case "array" -> {
                values.add(new Object[] { "wrong type", "not-an-array", Expect.REJECT });
                if (s.get("maxItems") instanceof Number max) {
                    Object item = Samples.valid(OpenApiOperations.map(s.get("items")), "", hints, false);
                    values.add(new Object[] { "too many items",
                            java.util.Collections.nCopies(max.intValue() + 1, item), Expect.REJECT });
                }
            }
            case "object" -> values.add(new Object[] { "wrong type", 42, Expect.REJECT });
            default -> {
                values.add(new Object[] { "wrong type", Map.of("unexpected", "object"), Expect.REJECT });
                String pattern = (String) s.get("pattern");
                if (s.get("enum") instanceof List<?>) {
                    values.add(new Object[] { "unknown enum value", "NOT_A_VALUE", Expect.REJECT });
                } else {
                    OUTSIDE.stream().filter(v -> Samples.outside(pattern, v)).findFirst().ifPresent(
                            v -> values.add(new Object[] { "value outside its pattern", v, Expect.REJECT }));
                }
                boolean bounded = s.containsKey("maxLength") || Samples.outside(pattern, LONG);
                values.add(new Object[] { "100 KB string", LONG, bounded ? Expect.REJECT : Expect.SURVIVE });
            }
        }
        return values;
    }

    private void add(String label, Expect expect, String p, Map<String, Object> query, Body body) {
        cases.add(new Case(label, expect, p, query, body, null));
    }

    private static String firstProperty(Map<String, Object> schema) {
        return OpenApiOperations.map(schema.get("properties")).keySet().stream().findFirst().orElse("x");
    }

    private Object with(List<Object> field, Object value) {
        Object copy = copy(baseBody);
        set(copy, field, value, false);
        return copy;
    }

    private Object without(List<Object> field) {
        Object copy = copy(baseBody);
        set(copy, field, null, true);
        return copy;
    }

    /** What is at {@code path} in {@code root}: null where the path leads nowhere. */
    @SuppressWarnings("unchecked")
    private static Object node(Object root, List<Object> path) {
        Object node = root;
        for (Object key : path) {
            if (key instanceof Integer index && node instanceof List<?> list && index < list.size()) {
                node = list.get(index);
            } else if (key instanceof String name && node instanceof Map<?, ?> map) {
                node = ((Map<String, Object>) map).get(name);
            } else {
                return null;
            }
        }
        return node;
    }

    @SuppressWarnings("unchecked")
    private static void set(Object root, List<Object> field, Object value, boolean remove) {
        if (!(node(root, field.subList(0, field.size() - 1)) instanceof Map<?, ?> node)) {
            return;
        }
        Map<String, Object> parent = (Map<String, Object>) node;
        String last = (String) field.get(field.size() - 1);
        if (remove) {
            parent.remove(last);
        } else {
            parent.put(last, value);
        }
    }

    @SuppressWarnings("unchecked")
    private static Object copy(Object value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> copy = new LinkedHashMap<>();
            ((Map<String, Object>) m).forEach((k, v) -> copy.put(k, copy(v)));
            return copy;
        }
        if (value instanceof List<?> l) {
            List<Object> copy = new ArrayList<>();
            l.forEach(v -> copy.add(copy(v)));
            return copy;
        }
        return value;
    }

    private static String pointer(List<Object> field) {
        StringBuilder s = new StringBuilder();
        for (Object part : field) {
            s.append(part instanceof Integer i ? "[" + i + "]" : (s.isEmpty() ? "" : ".") + part);
        }
        return s.toString();
    }

    static String abbreviate(Object value) {
        return abbreviate(value, 24);
    }

    static String abbreviate(Object value, int max) {
        String s = String.valueOf(value);
        return s.length() > max ? s.substring(0, max / 3) + "...(" + s.length() + " chars)" : s;
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
