package io.hyperai.execution.runtime;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.hyperai.common.events.EventCodec;

/** Stores a {@link Launch} as JSON text with the event mapper (records, ISO times). */
@Converter
public class LaunchConverter implements AttributeConverter<Launch, String> {

    @Override
    public String convertToDatabaseColumn(Launch launch) {
        try {
            return launch == null ? null : EventCodec.mapper().writeValueAsString(launch);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Launch convertToEntityAttribute(String json) {
        try {
            return json == null ? null : EventCodec.mapper().readValue(json, Launch.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable launch", e);
        }
    }
}
