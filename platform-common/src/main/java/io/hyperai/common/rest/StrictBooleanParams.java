package io.hyperai.common.rest;

import java.lang.annotation.Annotation;
import java.lang.reflect.Type;

import jakarta.ws.rs.ext.ParamConverter;
import jakarta.ws.rs.ext.ParamConverterProvider;
import jakarta.ws.rs.ext.Provider;

/**
 * Boolean query and path parameters accept only {@code true} and {@code false}. JAX-RS reads them
 * with {@code Boolean.valueOf}, which turns any other text into {@code false}, so
 * {@code ?unpack=yes} silently did the opposite of what was asked; now it is a 400 problem.
 */
@Provider
public class StrictBooleanParams implements ParamConverterProvider {

    private static final ParamConverter<Boolean> STRICT = new ParamConverter<>() {
        @Override
        public Boolean fromString(String value) {
            if (value == null) {
                return null;
            }
            if (value.equalsIgnoreCase("true")) {
                return Boolean.TRUE;
            }
            if (value.equalsIgnoreCase("false")) {
                return Boolean.FALSE;
            }
            // JAX-RS turns a failed conversion into a 404 whose cause this is; ProblemMapper answers 400
            throw new IllegalArgumentException("not a boolean");
        }

        @Override
        public String toString(Boolean value) {
            return String.valueOf(value);
        }
    };

    @Override
    @SuppressWarnings("unchecked")
    public <T> ParamConverter<T> getConverter(Class<T> rawType, Type genericType, Annotation[] annotations) {
        return rawType == boolean.class || rawType == Boolean.class ? (ParamConverter<T>) STRICT : null;
    }
}
