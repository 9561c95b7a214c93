package io.hyperai.test.matrix;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.hyperai.test.OpenApiOperations.Operation;

/**
 * Resources one user owns, addressed the way path templates name them: each template variable is
 * keyed by the literal segments that precede it and each earlier variable, so
 * {@code /api/v1/datasets/{id}/versions/{n}/files/{path}} needs {@code datasets},
 * {@code datasets/versions} and {@code datasets/versions/files}, and
 * {@code /internal/warehouse/datasets/{id}/versions/{n}} resolves from the same values. A template
 * whose keys are not all known cannot be had and is reported as skipped by the matrices.
 */
public final class OwnedResources {

    private static final Pattern VARIABLE = Pattern.compile("\\{([^}]+)}");

    private final String owner;
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Set<String> shared = new LinkedHashSet<>();
    private final Set<String> markers = new LinkedHashSet<>();
    private final Map<String, Object> hints = new LinkedHashMap<>();

    public OwnedResources(String owner) {
        this.owner = owner;
    }

    /** The owner's user name (the one given to {@link Credentials#user}). */
    public String owner() {
        return owner;
    }

    /** {@code collection} (e.g. {@code datasets/versions}) has the owner's {@code value}. */
    public OwnedResources put(String collection, String value) {
        values.put(collection, value);
        return this;
    }

    /** The owner's value for {@code collection}, if known. */
    public Optional<String> value(String collection) {
        return Optional.ofNullable(values.get(collection));
    }

    /** A collection everyone reads (a catalogue), with an existing {@code value}: nothing of the owner's. */
    public OwnedResources shared(String collection, String value) {
        shared.add(collection);
        return put(collection, value);
    }

    /** Text (an id, a name) that only the owner may ever see. */
    public OwnedResources marker(String text) {
        markers.add(text);
        return this;
    }

    /** A value that request bodies should use for properties called {@code property} (an existing id). */
    public OwnedResources hint(String property, Object value) {
        hints.put(property, value);
        return this;
    }

    public Map<String, Object> hints() {
        return Map.copyOf(hints);
    }

    public Set<String> markers() {
        return Set.copyOf(markers);
    }

    /** The keys of the template variables of {@code path}, in order. */
    public static List<String> keys(String path) {
        List<String> keys = new ArrayList<>();
        StringBuilder chain = new StringBuilder();
        String[] segments = path.split("/");
        for (int i = 1; i < segments.length; i++) {
            if (VARIABLE.matcher(segments[i]).matches()) {
                String collection = segments[i - 1];
                chain.append(chain.isEmpty() ? "" : "/").append(collection);
                keys.add(chain.toString());
            }
        }
        return keys;
    }

    /** Whether every variable of the operation's path resolves to a shared catalogue entry. */
    public boolean isShared(Operation operation) {
        List<String> keys = keys(operation.path());
        return !keys.isEmpty() && keys.stream().allMatch(shared::contains);
    }

    /** The missing keys of the operation's path, empty when it resolves. */
    public List<String> missing(Operation operation) {
        return keys(operation.path()).stream().filter(k -> !values.containsKey(k)).toList();
    }

    /** The operation's path with the owner's values, if all are known. */
    public Optional<String> path(Operation operation) {
        return pathWith(operation, -1, null);
    }

    /** The operation's path with {@code value} for the variable at {@code index} and the owner's for the rest. */
    public Optional<String> pathWith(Operation operation, int index, String value) {
        List<String> keys = keys(operation.path());
        Matcher m = VARIABLE.matcher(operation.path());
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (m.find()) {
            String v = i == index ? value : values.get(keys.get(i));
            if (v == null) {
                return Optional.empty();
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v));
            i++;
        }
        m.appendTail(out);
        return Optional.of(out.toString());
    }

    @Override
    public String toString() {
        return owner + " " + values;
    }
}
