package io.hyperai.common.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.hyperai.common.events.EventCodec;
import io.hyperai.common.events.EventType;
import io.hyperai.common.events.Topics;
import io.hyperai.common.events.payload.ExecutionEnded;
import io.hyperai.common.events.payload.GearChanged;
import io.hyperai.common.outbox.Outbox;
import io.hyperai.common.outbox.OutboxRelay;
import io.hyperai.test.KafkaProbe;
import io.hyperai.test.PlatformTestResource;
import io.hyperai.test.SharedInfrastructure;
import io.hyperai.test.Tokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * The outbox and the idempotent consumer against a real PostgreSQL and a real Kafka broker: an event
 * commits with its state change, crosses the broker, and is applied exactly once however often it
 * is delivered; it still arrives when it was committed while the relay was stopped or the broker down.
 */
@QuarkusTest
@QuarkusTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "outbox-test"))
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OutboxAndInboxTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    OutboxRelay relay;

    @Inject
    Outbox outbox;

    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    @AfterEach
    void resumeRelay() {
        relay.resume();
    }

    @Test
    @Order(1)
    void eventIsAppliedOnceAlthoughDeliveredThreeTimes() throws Exception {
        String id = createWidget("first");
        await().atMost(WAIT).until(() -> applications(id, "gear.created") == 1);

        List<ConsumerRecord<String, String>> records = KafkaProbe.shared().readUntil(Topics.GEAR, WAIT,
                rs -> rs.stream().anyMatch(r -> id.equals(r.key())));
        ConsumerRecord<String, String> original = records.stream().filter(r -> id.equals(r.key())).findFirst().orElseThrow();
        assertThat(EventCodec.read(original.value()).subject()).isEqualTo(id);
        assertThat(KafkaProbe.header(original, "hyperai-event-type")).isEqualTo("gear.created");

        long duplicatesBefore = count("SELECT count(*) FROM inbox_event WHERE consumer = 'widget-counter'");
        KafkaProbe.shared().send(Topics.GEAR, id, original.value(), Map.of());
        KafkaProbe.shared().send(Topics.GEAR, id, original.value(), Map.of());
        // a marker event after the duplicates: once it is applied, the duplicates have been consumed
        String marker = createWidget("marker");
        await().atMost(WAIT).until(() -> applications(marker, "gear.created") == 1);

        assertThat(applications(id, "gear.created")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM inbox_event WHERE consumer = 'widget-counter'"))
                .isEqualTo(duplicatesBefore + 1);
        assertThat(count("SELECT count(*) FROM outbox_event WHERE sent_at IS NULL")).isZero();
    }

    @Test
    @Order(2)
    void aRolledBackChangeLeavesNeitherRowNorEvent() throws Exception {
        given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON).body("{\"name\":\"doomed\"}")
                .post("/api/v1/widgets/failing")
                .then().statusCode(500)
                .contentType("application/problem+json")
                .body("status", equalTo(500))
                .body("traceId", org.hamcrest.Matchers.notNullValue())
                .body(not(containsString("IllegalStateException")))
                .body(not(containsString("boom")))
                .body(not(containsString("io.hyperai")));
        assertThat(count("SELECT count(*) FROM widget WHERE id = 'failing-doomed'")).isZero();
        assertThat(count("SELECT count(*) FROM outbox_event WHERE aggregate_id = 'failing-doomed'")).isZero();
    }

    @Test
    @Order(3)
    void eventCommittedWhileTheRelayIsStoppedArrivesAfterItResumes() throws Exception {
        relay.pause();
        String id = createWidget("held-back");
        Thread.sleep(1500);
        assertThat(count("SELECT count(*) FROM outbox_event WHERE aggregate_id = '" + id + "' AND sent_at IS NULL"))
                .isEqualTo(1);
        assertThat(applications(id, "gear.created")).isZero();

        relay.resume();
        await().atMost(WAIT).until(() -> applications(id, "gear.created") == 1);
        assertThat(count("SELECT count(*) FROM outbox_event WHERE aggregate_id = '" + id + "' AND sent_at IS NULL"))
                .isZero();
    }

    @Test
    @Order(4)
    void twoRelaysRacingKeepEachAggregatesOrderAndLoseNothing() throws Exception {
        relay.pause();
        String busy = createWidget("v0");
        List<String> others = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            rename(busy, "v" + i);
            if (i % 4 == 0) {
                others.add(createWidget("other-" + i));
            }
        }
        // two relays (separate transactions and connections, as two instances would have) drain at once
        CompletableFuture<Integer> a = CompletableFuture.supplyAsync(() -> relay.drain().await().atMost(WAIT));
        CompletableFuture<Integer> b = CompletableFuture.supplyAsync(() -> relay.drain().await().atMost(WAIT));
        int published = a.get() + b.get();
        relay.resume();
        assertThat(published).isEqualTo(1 + 40 + others.size());

        await().atMost(WAIT).until(() -> applications(busy, "gear.updated") == 40);
        List<String> seen = names(busy);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i <= 40; i++) {
            expected.add("v" + i);
        }
        assertThat(seen).containsExactlyElementsOf(expected);
        for (String other : others) {
            await().atMost(WAIT).until(() -> applications(other, "gear.created") == 1);
        }
        assertThat(count("SELECT count(*) FROM outbox_event WHERE sent_at IS NULL")).isZero();
    }

    @Test
    @Order(5)
    void recordsThatCanNeverBeAppliedAreKeptAsDeadLettersAndRedrivenOnce() throws Exception {
        String deadLetters = "/api/v1/admin/outbox-test/dead-letters";
        KafkaProbe.shared().send(Topics.GEAR, "garbage-key", "this is not an event", Map.of());
        KafkaProbe.shared().send(Topics.GEAR, "garbage-key", "this is not an event", Map.of());
        String poison = createWidget("poison-1");
        // the consumer goes on with the next records
        String after = createWidget("after-garbage");
        await().atMost(WAIT).until(() -> applications(after, "gear.created") == 1);
        await().atMost(WAIT).until(() -> count("SELECT count(*) FROM dead_letter WHERE redriven_at IS NULL") == 2);
        assertThat(applications(poison, "gear.created")).isZero();

        // one row per record: delivered twice, counted twice
        given().auth().oauth2(Tokens.alice()).get(deadLetters).then().statusCode(403);
        var list = given().auth().oauth2(Tokens.admin()).queryParam("state", "WAITING").get(deadLetters)
                .then().statusCode(200).body("total", equalTo(2)).extract().jsonPath();
        assertThat(list.getString("items[1].record")).isEqualTo("this is not an event");
        assertThat(list.getString("items[1].reason")).contains("not a JSON event envelope");
        assertThat(list.getInt("items[1].deliveries")).isEqualTo(2);
        assertThat(list.getString("items[0].consumer")).isEqualTo("widget-counter");
        assertThat(list.getString("items[0].eventType")).isEqualTo("gear.created");
        assertThat(list.getString("items[0].reason")).contains("poison-1 is not understood yet");
        long poisonLetter = list.getLong("items[0].id");
        long garbageLetter = list.getLong("items[1].id");

        // still refused: it stays waiting, with the attempt counted, and nothing is applied
        given().auth().oauth2(Tokens.admin()).post(deadLetters + "/" + poisonLetter + "/redrive").then()
                .statusCode(409).body("type", containsString("still-malformed"));
        given().auth().oauth2(Tokens.admin()).get(deadLetters + "/" + poisonLetter).then().statusCode(200)
                .body("state", equalTo("WAITING")).body("redriveAttempts", equalTo(1));
        assertThat(applications(poison, "gear.created")).isZero();

        // the consumer learns the shape: a redrive applies it once; a second redrive and redrive-all change nothing
        WidgetConsumer.ACCEPTS_POISON.set(true);
        try {
            given().auth().oauth2(Tokens.admin()).post(deadLetters + "/" + poisonLetter + "/redrive").then()
                    .statusCode(200).body("state", equalTo("REDRIVEN")).body("redrivenAt", not(equalTo(null)));
            given().auth().oauth2(Tokens.admin()).post(deadLetters + "/" + poisonLetter + "/redrive").then()
                    .statusCode(200).body("state", equalTo("REDRIVEN"));
            given().auth().oauth2(Tokens.admin()).post(deadLetters + "/redrive").then().statusCode(200)
                    .body("applied", equalTo(0)).body("stillWaiting", equalTo(1));
        } finally {
            WidgetConsumer.ACCEPTS_POISON.set(false);
        }
        assertThat(applications(poison, "gear.created")).isEqualTo(1);
        given().auth().oauth2(Tokens.admin()).get(deadLetters + "/" + garbageLetter).then().statusCode(200)
                .body("state", equalTo("WAITING")).body("redriveAttempts", equalTo(1));
        given().auth().oauth2(Tokens.admin()).get(deadLetters + "/999999").then().statusCode(404);
        given().auth().oauth2(Tokens.admin()).queryParam("state", "GONE").get(deadLetters).then().statusCode(400);
        // nothing goes to the dead-letter topic any more
        List<ConsumerRecord<String, String>> dead = KafkaProbe.shared().readUntil(Topics.GEAR + Topics.DLQ_SUFFIX,
                Duration.ofSeconds(3), rs -> false);
        assertThat(dead).noneMatch(r -> "garbage-key".equals(r.key()));
    }

    /**
     * A service that may write a topic (its broker ACL) still cannot speak for another: a gear event claiming to come
     * from execution-service is kept as a dead letter and never applied, and this service's outbox refuses to
     * publish another service's events.
     */
    @Test
    @Order(8)
    void anEventFromAnotherSourceThanItsTypesProducerIsNeverApplied() throws Exception {
        String forged = "forged-" + java.util.UUID.randomUUID();
        String eventId = java.util.UUID.randomUUID().toString();
        KafkaProbe.shared().send(Topics.GEAR, forged, EventCodec.write(EventCodec.envelope(eventId,
                "/execution-service", EventType.GEAR_CREATED, forged, java.time.Instant.now(),
                new GearChanged(forged, "alice", "forged", "cpu-small", "img", List.of()))), Map.of());
        String after = createWidget("after-forged");
        await().atMost(WAIT).until(() -> applications(after, "gear.created") == 1);
        await().atMost(WAIT).until(() -> count("SELECT count(*) FROM dead_letter WHERE event_id = '" + eventId + "'") == 1);
        assertThat(applications(forged, "gear.created")).isZero();
        given().auth().oauth2(Tokens.admin()).queryParam("state", "WAITING").get("/api/v1/admin/outbox-test/dead-letters")
                .then().statusCode(200).body("items.find { it.eventId == '" + eventId + "' }.reason",
                        containsString("claims the source /execution-service; only /gear-service publishes it"));

        assertThatThrownBy(() -> outbox.append(EventType.EXECUTION_STOPPED, forged,
                new ExecutionEnded(forged, "g", "alice", null, null, null, "USER_STOPPED")).await().indefinitely())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("/gear-service may not publish execution.stopped; only /execution-service does");
    }

    @Test
    @Order(6)
    void eventCommittedWhileTheBrokerIsDownArrivesAfterItReturns() throws Exception {
        SharedInfrastructure.kafka().kill();
        String id;
        try {
            id = createWidget("while-broker-down");
            Thread.sleep(2000);
            assertThat(count("SELECT count(*) FROM outbox_event WHERE aggregate_id = '" + id + "' AND sent_at IS NULL"))
                    .isEqualTo(1);
        } finally {
            SharedInfrastructure.kafka().restart();
        }
        await().atMost(Duration.ofSeconds(120)).until(() -> applications(id, "gear.created") == 1);
        assertThat(count("SELECT count(*) FROM outbox_event WHERE sent_at IS NULL")).isZero();
    }

    @Test
    @Order(7)
    void anEffectFailingWhileTheDatabaseIsAwayIsTriedAgainAsLongAsItFailsInOrderAndAppliedOnce() throws Exception {
        String id = createWidget("before");
        await().atMost(WAIT).until(() -> applications(id, "gear.created") == 1);
        double failedBefore = failedAttempts();
        // the table the effect writes last disappears: each attempt fails after its first insert, and rolls back
        execute("ALTER TABLE widget_seen_order RENAME TO widget_seen_order_away");
        try {
            rename(id, "during-1");
            rename(id, "during-2");
            // more attempts than the ten that used to end in the dead-letter topic
            await().atMost(WAIT).until(() -> failedAttempts() >= failedBefore + 15);
            assertThat(applications(id, "gear.updated")).isZero();
        } finally {
            execute("ALTER TABLE widget_seen_order_away RENAME TO widget_seen_order");
        }
        await().atMost(WAIT).until(() -> applications(id, "gear.updated") == 2);
        assertThat(names(id)).containsExactly("before", "during-1", "during-2");
        List<ConsumerRecord<String, String>> dead = KafkaProbe.shared().readUntil(Topics.GEAR + Topics.DLQ_SUFFIX,
                Duration.ofSeconds(3), rs -> false);
        assertThat(dead).noneMatch(r -> id.equals(r.key()));
        System.out.printf("inbox: %.0f failed attempts while the table was away, then each event applied once%n",
                failedAttempts() - failedBefore);
    }

    private double failedAttempts() {
        var counter = registry.find("hyperai_events_attempts_failed").tag("consumer", "widget-counter").counter();
        return counter == null ? 0 : counter.count();
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = SharedInfrastructure.postgres().connect("outbox_test"); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String createWidget(String name) {
        return given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON)
                .body("{\"name\":\"" + name + "\"}")
                .post("/api/v1/widgets")
                .then().statusCode(201).extract().path("id");
    }

    private static void rename(String id, String name) {
        given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON).body("{\"name\":\"" + name + "\"}")
                .put("/api/v1/widgets/" + id).then().statusCode(200).body("name", equalTo(name));
    }

    static long count(String sql) throws SQLException {
        try (Connection c = SharedInfrastructure.postgres().connect("outbox_test"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static int applications(String widget, String type) throws SQLException {
        try (Connection c = SharedInfrastructure.postgres().connect("outbox_test"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT applications FROM widget_seen WHERE widget_id = '" + widget
                        + "' AND event_type = '" + type + "'")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    private static List<String> names(String widget) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = SharedInfrastructure.postgres().connect("outbox_test"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT name FROM widget_seen_order WHERE widget_id = '" + widget
                        + "' ORDER BY seq")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }
}
