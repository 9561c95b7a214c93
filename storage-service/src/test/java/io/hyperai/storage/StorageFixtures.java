package io.hyperai.storage;

import static io.restassured.RestAssured.given;

import java.util.Map;
import java.util.UUID;

import io.hyperai.common.events.EventCodec;
import io.hyperai.common.events.EventEnvelope;
import io.hyperai.common.events.EventType;
import io.hyperai.common.events.payload.EventPayload;
import io.hyperai.test.KafkaProbe;
import io.hyperai.test.Tokens;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/** Users of their own per test, events as foreign producers write them, and the internal API. */
final class StorageFixtures {

    static final KafkaProbe KAFKA = KafkaProbe.shared();

    private StorageFixtures() {
    }

    static String newUser() {
        return "user-" + UUID.randomUUID();
    }

    static String userToken(String userId) {
        return Tokens.provider().token(userId, "user");
    }

    static String service() {
        return Tokens.service("warehouse-service");
    }

    static EventEnvelope event(EventType type, String subject, EventPayload payload) {
        return EventCodec.envelope(type.producer(), type, subject, payload);
    }

    static void send(EventType type, EventEnvelope envelope) {
        KAFKA.send(type.topic(), envelope.subject(), EventCodec.write(envelope),
                Map.of("hyperai-event-id", envelope.id(), "hyperai-event-type", envelope.type()));
    }

    static EventEnvelope publish(EventType type, String subject, EventPayload payload) {
        EventEnvelope envelope = event(type, subject, payload);
        send(type, envelope);
        return envelope;
    }

    static void setQuota(String userId, long bytes) {
        given().auth().oauth2(Tokens.admin()).contentType(ContentType.JSON).body(Map.of("quotaBytes", bytes))
                .put("/api/v1/storage/quotas/" + userId).then().statusCode(200);
    }

    static JsonPath admission(String userId) {
        return given().auth().oauth2(service()).get("/internal/storage/admission/" + userId).then().statusCode(200)
                .extract().jsonPath();
    }

    static long used(String userId) {
        return admission(userId).getLong("usedBytes");
    }

    static String reserve(String userId, long bytes) {
        return given().auth().oauth2(service()).contentType(ContentType.JSON)
                .body(Map.of("userId", userId, "bytes", bytes)).post("/internal/storage/reservations")
                .then().statusCode(201).extract().path("id");
    }
}
