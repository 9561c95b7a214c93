package io.hyperai.common.events;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.hyperai.common.events.payload.EventPayload;

/**
 * Writes and reads the wire form of events. It owns its mapper so the event format cannot drift
 * when a service changes how its REST API serialises JSON.
 */
public final class EventCodec {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .build();

    private EventCodec() {
    }

    public static EventEnvelope envelope(String source, EventType type, String subject, EventPayload payload) {
        return envelope(UUID.randomUUID().toString(), source, type, subject, Instant.now(), payload);
    }

    public static EventEnvelope envelope(String id, String source, EventType type, String subject, Instant time,
            EventPayload payload) {
        if (!type.payloadClass().isInstance(payload)) {
            throw new IllegalArgumentException(type.type() + " carries " + type.payloadClass().getSimpleName()
                    + ", not " + payload.getClass().getSimpleName());
        }
        return new EventEnvelope(EventEnvelope.SPEC_VERSION, id, source, type.type(), subject, time,
                EventEnvelope.JSON, MAPPER.valueToTree(payload));
    }

    public static String write(EventEnvelope envelope) {
        try {
            return MAPPER.writeValueAsString(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event " + envelope.id() + " cannot be written", e);
        }
    }

    /** Reads an envelope; throws {@link MalformedEventException} when it is not one. */
    public static EventEnvelope read(String json) {
        EventEnvelope envelope;
        try {
            envelope = MAPPER.readValue(json, EventEnvelope.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new MalformedEventException("not a JSON event envelope: " + originalMessage(e));
        }
        if (envelope == null || envelope.id() == null || envelope.type() == null) {
            throw new MalformedEventException("event envelope without id or type");
        }
        return envelope;
    }

    public static <T extends EventPayload> T payload(EventEnvelope envelope, Class<T> type) {
        try {
            return MAPPER.treeToValue(envelope.data(), type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new MalformedEventException("event " + envelope.id() + " of type " + envelope.type()
                    + " has unreadable data: " + e.getMessage());
        }
    }

    /** The payload in its declared class, for consumers that switch on the type. */
    public static EventPayload payload(EventEnvelope envelope, EventType type) {
        return payload(envelope, type.payloadClass());
    }

    private static String originalMessage(Exception e) {
        return e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
