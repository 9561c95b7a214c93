package io.hyperai.common.problem;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Which field of a JSON request body Jackson could not read ({@code bindings[0].mountPath}) and why, in words of
 * ours: Jackson's own messages name Java classes and settings. Empty when no single field is to blame: the body is
 * not JSON, has the wrong shape as a whole, or has something after its value.
 */
final class JsonFailures {

    private static final String DUPLICATE = "Duplicate field '";
    private static final Set<Class<?>> WHOLE_NUMBERS = Set.of(int.class, long.class, short.class, byte.class,
            Integer.class, Long.class, Short.class, Byte.class, BigInteger.class);

    private JsonFailures() {
    }

    static Optional<Problem.FieldError> fieldError(JsonProcessingException e) {
        if (duplicateKey(e)) {
            return named(parserPath(e), "appears more than once");
        }
        if (!(e instanceof JsonMappingException mapping)) {
            return Optional.empty();
        }
        return named(path(mapping), message(mapping));
    }

    private static Optional<Problem.FieldError> named(String field, String message) {
        return field.isEmpty() ? Optional.empty() : Optional.of(new Problem.FieldError(field, message));
    }

    private static String message(JsonMappingException e) {
        if (e instanceof UnrecognizedPropertyException) {
            return "is not a known field";
        }
        if (e instanceof InvalidNullException) {
            return "must not be null";
        }
        if (e.getCause() instanceof InputCoercionException) {
            return "is out of range";
        }
        if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            return expected(mismatch.getTargetType());
        }
        return "cannot be read";
    }

    private static String expected(Class<?> type) {
        if (type.isEnum()) {
            return "is not one of the accepted values";
        }
        if (type == String.class || type == char.class || type == Character.class) {
            return "must be a string";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "must be true or false";
        }
        if (WHOLE_NUMBERS.contains(type)) {
            return "must be a whole number";
        }
        if (type.isPrimitive() || Number.class.isAssignableFrom(type)) {
            return "must be a number";
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "must be an array";
        }
        if (Map.class.isAssignableFrom(type) || !type.getName().startsWith("java.")) {
            return "must be an object";
        }
        return "has the wrong format"; // an Instant, a UUID, a Duration written wrongly
    }

    /** A key given twice: Jackson reports it as a parse error, nested inside a mapping error below the top level. */
    private static boolean duplicateKey(JsonProcessingException e) {
        Throwable parse = e instanceof JsonParseException ? e : e.getCause();
        return parse instanceof JsonParseException p && p.getOriginalMessage() != null
                && p.getOriginalMessage().startsWith(DUPLICATE);
    }

    /** {@code bindings[0].mountPath} from the references Jackson collected on the way out. */
    static String path(JsonMappingException e) {
        List<Object> steps = new ArrayList<>();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                steps.add(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                steps.add(ref.getIndex());
            }
        }
        return render(steps);
    }

    /** The same from where the parser stood when it failed. */
    private static String parserPath(JsonProcessingException e) {
        if (!(e.getProcessor() instanceof JsonParser parser)) {
            return "";
        }
        List<Object> steps = new ArrayList<>();
        for (JsonStreamContext c = parser.getParsingContext(); c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                steps.add(0, Math.max(0, c.getCurrentIndex()));
            } else if (c.getCurrentName() != null) {
                steps.add(0, c.getCurrentName());
            }
        }
        return render(steps);
    }

    /** Names joined by dots, indexes in brackets. */
    private static String render(List<Object> steps) {
        StringBuilder path = new StringBuilder();
        for (Object step : steps) {
            if (step instanceof Integer index) {
                path.append('[').append(index).append(']');
            } else {
                path.append(path.length() > 0 ? "." : "").append(step);
            }
        }
        return path.toString();
    }
}
