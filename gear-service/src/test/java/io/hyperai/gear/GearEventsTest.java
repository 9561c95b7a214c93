package io.hyperai.gear;

import static io.hyperai.gear.support.GearApi.await;
import static io.hyperai.gear.support.GearApi.count;
import static io.hyperai.gear.support.GearApi.createOk;
import static io.hyperai.gear.support.GearApi.dataset;
import static io.hyperai.gear.support.GearApi.gear;
import static io.hyperai.gear.support.GearApi.list;
import static io.hyperai.gear.support.GearApi.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.hyperai.common.events.EventCodec;
import io.hyperai.common.events.EventEnvelope;
import io.hyperai.common.events.EventType;
import io.hyperai.common.events.Topics;
import io.hyperai.common.events.payload.EventPayload;
import io.hyperai.common.events.payload.ExecutionEnded;
import io.hyperai.common.events.payload.ExecutionStarted;
import io.hyperai.common.events.payload.GearChanged;
import io.hyperai.common.events.payload.GearDeleted;
import io.hyperai.gear.support.DependencyStubs;
import io.hyperai.test.KafkaProbe;
import io.hyperai.test.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** What gear-service tells others (gear-events) and what it learns from execution-events. */
@QuarkusTest
class GearEventsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @BeforeEach
    void dependenciesUp() {
        DependencyStubs.reset();
        DependencyStubs.resetCircuits();
    }

    @Test
    void eachChangeIsPublishedOnceInOrderWithTheGearAsItIs() {
        DependencyStubs.version("dataset", "events-ds", 4, "alice", 10);
        String name = unique("evented");
        String id = createOk(Tokens.alice(), gear(name, "gpu-a100-1", "pytorch-2.4-gpu",
                list(dataset("/hyperai/input/input0", "events-ds", 4))));
        given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON).body(Map.of("name", name + " v2"))
                .patch("/api/v1/gears/" + id).then().statusCode(200);
        // refused changes publish nothing
        given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON).body(Map.of("computeSpecId", "cpu-2c4g"))
                .patch("/api/v1/gears/" + id).then().statusCode(400);
        given().auth().oauth2(Tokens.bob()).delete("/api/v1/gears/" + id).then().statusCode(404);
        given().auth().oauth2(Tokens.alice()).delete("/api/v1/gears/" + id).then().statusCode(204);

        List<ConsumerRecord<String, String>> records = KafkaProbe.shared().readUntil(Topics.GEAR, WAIT,
                read -> read.stream().anyMatch(r -> id.equals(r.key()) && "gear.deleted".equals(type(r))));
        List<ConsumerRecord<String, String>> mine = records.stream().filter(r -> id.equals(r.key())).toList();

        assertThat(mine).extracting(GearEventsTest::type).containsExactly("gear.created", "gear.updated", "gear.deleted");
        EventEnvelope created = EventCodec.read(mine.get(0).value());
        assertThat(created.subject()).isEqualTo(id);
        assertThat(created.source()).isEqualTo("/gear-service");
        assertThat(KafkaProbe.header(mine.get(0), "hyperai-event-id")).isEqualTo(created.id());
        assertThat(EventCodec.payload(created, GearChanged.class)).isEqualTo(new GearChanged(id, "alice", name,
                "gpu-a100-1", "pytorch-2.4-gpu",
                List.of(new GearChanged.Binding("/hyperai/input/input0", "dataset", "events-ds", 4, null))));
        assertThat(EventCodec.payload(EventCodec.read(mine.get(1).value()), GearChanged.class).name())
                .isEqualTo(name + " v2");
        assertThat(EventCodec.payload(EventCodec.read(mine.get(2).value()), GearDeleted.class))
                .isEqualTo(new GearDeleted(id, "alice"));
    }

    @Test
    void aGearCannotBeDeletedWhileAnExecutionOfItRuns() {
        String id = createOk(Tokens.alice(), gear(unique("busy")));
        String execution = unique("exec");

        EventEnvelope started = send(EventType.EXECUTION_STARTED, execution, new ExecutionStarted(execution, id,
                "alice", "script", "cpu-2c4g", 100, "CNY", Instant.parse("2026-11-29T10:00:00Z"), null));
        awaitProcessed(started);
        given().auth().oauth2(Tokens.alice()).delete("/api/v1/gears/" + id).then().statusCode(409)
                .body("type", equalTo("urn:hyperai:problem:gear-running"));
        given().auth().oauth2(Tokens.alice()).get("/api/v1/gears/" + id).then().statusCode(200);
        // other gears of hers are not held up
        String idle = createOk(Tokens.alice(), gear(unique("idle")));
        given().auth().oauth2(Tokens.alice()).delete("/api/v1/gears/" + idle).then().statusCode(204);

        EventEnvelope ended = send(EventType.EXECUTION_SUCCEEDED, execution, new ExecutionEnded(execution, id, "alice",
                Instant.parse("2026-11-29T10:00:00Z"), Instant.parse("2026-11-29T11:00:00Z"), 0, null));
        // a redelivered start (same event id) and a late start of an execution that has ended change nothing
        KafkaProbe.shared().send(Topics.EXECUTION, execution, EventCodec.write(started), Map.of());
        EventEnvelope late = send(EventType.EXECUTION_STARTED, execution, new ExecutionStarted(execution, id,
                "alice", "script", "cpu-2c4g", 100, "CNY", Instant.parse("2026-11-29T10:00:00Z"), null));
        awaitProcessed(ended);
        awaitProcessed(late);
        assertThat(count("SELECT count(*) FROM inbox_event WHERE event_id = ?", started.id())).isEqualTo(1);

        given().auth().oauth2(Tokens.alice()).delete("/api/v1/gears/" + id).then().statusCode(204);
    }

    @Test
    void aQueuedExecutionAlsoHoldsItsGearAndAStopReleasesIt() {
        String id = createOk(Tokens.bob(), gear(unique("queued")));
        String execution = unique("exec");
        awaitProcessed(send(EventType.EXECUTION_QUEUED, execution, new io.hyperai.common.events.payload.ExecutionQueued(
                execution, id, "bob", "jupyter", "cpu-2c4g", Instant.parse("2026-11-29T10:00:00Z"), "cpu", 1, null)));
        given().auth().oauth2(Tokens.bob()).delete("/api/v1/gears/" + id).then().statusCode(409);
        awaitProcessed(send(EventType.EXECUTION_STOPPED, execution, new ExecutionEnded(execution, id, "bob", null,
                Instant.parse("2026-11-29T10:01:00Z"), null, "USER_STOPPED")));
        given().auth().oauth2(Tokens.bob()).delete("/api/v1/gears/" + id).then().statusCode(204);
    }

    @Test
    void aMalformedRecordIsSetAsideAndLaterEventsStillApply() {
        String id = createOk(Tokens.alice(), gear(unique("after-garbage")));
        String execution = unique("exec");
        KafkaProbe.shared().send(Topics.EXECUTION, execution, "this is not an event", Map.of());
        awaitProcessed(send(EventType.EXECUTION_STARTED, execution, new ExecutionStarted(execution, id, "alice",
                "script", "cpu-2c4g", 100, "CNY", Instant.parse("2026-11-29T10:00:00Z"), null)));
        given().auth().oauth2(Tokens.alice()).delete("/api/v1/gears/" + id).then().statusCode(409);
        // kept for an admin, in this service's database
        await(WAIT, () -> count("SELECT count(*) FROM dead_letter WHERE consumer = 'gear-service.executions'"
                + " AND record = 'this is not an event'") == 1);
        List<String> records = given().auth().oauth2(Tokens.admin()).get("/api/v1/admin/gear-service/dead-letters")
                .then().statusCode(200).extract().jsonPath().getList("items.record");
        assertThat(records).contains("this is not an event");
    }

    private static EventEnvelope send(EventType type, String executionId, EventPayload payload) {
        EventEnvelope envelope = EventCodec.envelope("/execution-service", type, executionId, payload);
        KafkaProbe.shared().send(Topics.EXECUTION, executionId, EventCodec.write(envelope),
                Map.of("hyperai-event-id", envelope.id(), "hyperai-event-type", type.type()));
        return envelope;
    }

    private static void awaitProcessed(EventEnvelope envelope) {
        await(WAIT, () -> count("SELECT count(*) FROM inbox_event WHERE event_id = ?", envelope.id()) == 1);
    }

    private static String type(ConsumerRecord<String, String> record) {
        return KafkaProbe.header(record, "hyperai-event-type");
    }
}
