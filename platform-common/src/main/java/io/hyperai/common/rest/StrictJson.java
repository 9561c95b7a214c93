package io.hyperai.common.rest;

import java.util.List;
import java.util.Map;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.cfg.MutableCoercionConfig;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.util.AccessPattern;

import io.quarkus.jackson.ObjectMapperCustomizer;

/**
 * Request bodies are read as written or refused (400 naming the field, see ProblemMapper): an unknown field, a
 * fractional number for an integer ({@code 1.9} was stored as 1), a string for a number or boolean and the reverse,
 * a number for an enum, {@code null} for a primitive, a duplicate key and anything after the JSON value all fail,
 * where Jackson's defaults guessed and went on. Quarkus' own {@code quarkus.jackson.fail-on-unknown-properties} covers
 * only the first. REST clients read with the same mapper, so their response records carry
 * {@code @JsonIgnoreProperties(ignoreUnknown = true)}: another service may add fields. Events have their own mapper.
 * Quarkus applies its own settings first (highest priority), so these win over {@code quarkus.jackson.*}.
 */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {

    /** The JSON shapes each scalar type is no longer read from ({@code 5} stays a valid {@code double}). */
    private static final Map<LogicalType, List<CoercionInputShape>> REFUSED = Map.of(
            LogicalType.Integer, List.of(CoercionInputShape.Float, CoercionInputShape.String,
                    CoercionInputShape.Boolean, CoercionInputShape.EmptyString),
            LogicalType.Float, List.of(CoercionInputShape.String, CoercionInputShape.Boolean,
                    CoercionInputShape.EmptyString),
            LogicalType.Boolean, List.of(CoercionInputShape.Integer, CoercionInputShape.Float,
                    CoercionInputShape.String, CoercionInputShape.EmptyString),
            LogicalType.Textual, List.of(CoercionInputShape.Integer, CoercionInputShape.Float,
                    CoercionInputShape.Boolean),
            LogicalType.Enum, List.of(CoercionInputShape.Integer, CoercionInputShape.Float,
                    CoercionInputShape.Boolean, CoercionInputShape.EmptyString));

    @Override
    public void customize(ObjectMapper mapper) {
        configure(mapper);
    }

    public static ObjectMapper configure(ObjectMapper mapper) {
        mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_TRAILING_TOKENS,
                DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS, DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        mapper.getFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        REFUSED.forEach((type, shapes) -> {
            MutableCoercionConfig coercion = mapper.coercionConfigFor(type);
            shapes.forEach(shape -> coercion.setCoercion(shape, CoercionAction.Fail));
        });
        SimpleModule nulls = new SimpleModule("refuse-null-primitives");
        nulls.setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public JsonDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription description,
                    JsonDeserializer<?> deserializer) {
                // the description is of the primitive for its wrapper too; the deserializer tells them apart
                return deserializer.handledType().isPrimitive() ? new NullRefusing(deserializer) : deserializer;
            }
        });
        return mapper.registerModule(nulls);
    }

    /**
     * {@code "count": null} for an {@code int} fails, while an absent {@code count} still reads as 0: Jackson's
     * {@code FAIL_ON_NULL_FOR_PRIMITIVES} refuses both for records, which would make every optional primitive
     * required (and break clients reading a response that leaves one out).
     */
    private static final class NullRefusing extends DelegatingDeserializer {

        NullRefusing(JsonDeserializer<?> primitive) {
            super(primitive);
        }

        @Override
        protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> primitive) {
            return new NullRefusing(primitive);
        }

        @Override
        public AccessPattern getNullAccessPattern() {
            return AccessPattern.DYNAMIC;
        }

        @Override
        public Object getNullValue(DeserializationContext context) throws JsonMappingException {
            throw InvalidNullException.from(context, null, context.constructType(handledType()));
        }

        @Override
        public Object getAbsentValue(DeserializationContext context) throws JsonMappingException {
            return _delegatee.getNullValue(context);
        }
    }
}
