package io.hyperai.execution;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.hyperai.common.events.EventCodec;
import io.hyperai.common.events.EventEnvelope;
import io.hyperai.common.events.EventType;
import io.hyperai.common.events.Topics;
import io.hyperai.common.events.payload.BillingBalanceLow;
import io.hyperai.common.events.payload.BillingBalanceState;
import io.hyperai.common.events.payload.ExecutionEnded;
import io.hyperai.common.events.payload.ExecutionWarned;
import io.hyperai.common.events.payload.SpendingCapReached;
import io.hyperai.common.events.payload.StorageQuotaState;
import io.hyperai.test.KafkaProbe;
import io.hyperai.test.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Issue 18's notifications: what billing, storage and this service announce about a user becomes that user's notices,
 * once each however often the event is delivered, listed newest first and followed as server-sent events; nobody else
 * sees them, and events that need no notice make none.
 */
@QuarkusTest
class NotificationsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Test
    void eachEventThatConcernsAUserBecomesOneNoticeOfTheirs() {
        String user = "dora-" + UUID.randomUUID(); // of this test alone: the topics hold other tests' events too
        String token = Tokens.provider().token(user, "user");
        String execution = UUID.randomUUID().toString();
        Instant stopsAt = Instant.parse("2026-12-04T10:00:00Z");
        send(Topics.BILLING, EventType.BILLING_BALANCE_LOW, new BillingBalanceLow(user, 480, 500, 8_040L, "CNY"));
        EventEnvelope exhausted = envelope(EventType.BILLING_BALANCE_EXHAUSTED, new BillingBalanceState(user, -3, "CNY"));
        send(Topics.BILLING, exhausted);
        send(Topics.BILLING, exhausted); // delivered twice: one notice
        send(Topics.BILLING, EventType.BILLING_CAP_REACHED,
                new SpendingCapReached(user, "EXECUTION", execution, 2_000, 2_003, "CNY"));
        send(Topics.STORAGE, EventType.STORAGE_QUOTA_NEARLY_FULL, new StorageQuotaState(user, 10_000, 9_100));
        send(Topics.EXECUTION, EventType.EXECUTION_WARNED, new ExecutionWarned(execution, user, "IDLE", stopsAt));
        send(Topics.EXECUTION, EventType.EXECUTION_STOPPED,
                new ExecutionEnded(execution, "g", user, stopsAt.minusSeconds(60), stopsAt, null, Reasons.IDLE));
        // the user's own stop and a restored balance need no notice
        send(Topics.EXECUTION, EventType.EXECUTION_STOPPED,
                new ExecutionEnded(execution, "g", user, stopsAt.minusSeconds(60), stopsAt, null, Reasons.USER_STOPPED));
        send(Topics.BILLING, EventType.BILLING_BALANCE_RESTORED, new BillingBalanceState(user, 100, "CNY"));

        await().atMost(WAIT).until(() -> total(token) >= 6);
        JsonPath page = given().auth().oauth2(token).queryParam("size", 6).get("/api/v1/notifications")
                .then().statusCode(200).extract().jsonPath();
        // newest first; the topics are read apart, so only the order within each topic is known
        List<String> kinds = page.getList("items.kind");
        assertThat(kinds).containsExactlyInAnyOrder("LOW_BALANCE", "BALANCE_EXHAUSTED", "SPENDING_CAP_REACHED",
                "QUOTA_NEARLY_FULL", "IDLE_WARNING", "EXECUTION_STOPPED");
        assertThat(kinds.indexOf("EXECUTION_STOPPED")).isLessThan(kinds.indexOf("IDLE_WARNING"));
        List<Long> ids = page.getList("items.id", Long.class);
        assertThat(ids).isSortedAccordingTo((a, b) -> Long.compare(b, a));
        assertThat(page.getString("items.find { it.kind == 'LOW_BALANCE' }.message"))
                .contains("4.80 CNY", "5.00 CNY", "2 h 14 min");
        assertThat(page.getString("items.find { it.kind == 'IDLE_WARNING' }.message"))
                .contains(execution, "2026-12-04T10:00:00Z");
        assertThat(page.getString("items.find { it.kind == 'SPENDING_CAP_REACHED' }.executionId")).isEqualTo(execution);
        assertThat(page.getString("items.find { it.kind == 'EXECUTION_STOPPED' }.message")).contains("idle");

        // a little later nothing more has come of the repeated, the restored and the user's own stop
        send(Topics.STORAGE, EventType.STORAGE_QUOTA_EXCEEDED, new StorageQuotaState(user, 10_000, 10_100));
        await().atMost(WAIT).until(() -> total(token) >= 7);
        assertThat(total(token)).isEqualTo(7);
        // another user's notices hold none of these
        assertThat(given().auth().oauth2(Tokens.alice()).queryParam("size", 100).get("/api/v1/notifications").then()
                .statusCode(200).extract().<List<String>>path("items.executionId")).doesNotContain(execution);
    }

    @Test
    void aFollowerGetsWhatComesAfterItsCursorAsServerSentEvents() throws Exception {
        String user = "carol-" + UUID.randomUUID();
        String token = Tokens.provider().token(user, "user");
        send(Topics.STORAGE, EventType.STORAGE_QUOTA_NEARLY_FULL, new StorageQuotaState(user, 1_000, 950));
        await().atMost(WAIT).until(() -> total(token) == 1);
        long first = given().auth().oauth2(token).get("/api/v1/notifications").then().extract()
                .jsonPath().getLong("items[0].id");
        assertThat(given().auth().oauth2(token).queryParam("after", first).get("/api/v1/notifications").then()
                .statusCode(200).extract().<Integer>path("total")).isZero();

        HttpRequest follow = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/notifications"))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream")
                .header("Last-Event-ID", Long.toString(first)).build();
        HttpResponse<java.io.InputStream> response = HttpClient.newHttpClient().send(follow,
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        CompletableFuture<List<String>> lines = CompletableFuture.supplyAsync(() -> {
            List<String> read = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    read.add(line);
                    if (line.startsWith("data:") && line.contains("QUOTA_EXCEEDED")) {
                        return read;
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return read;
        });
        send(Topics.STORAGE, EventType.STORAGE_QUOTA_EXCEEDED, new StorageQuotaState(user, 1_000, 1_010));
        await().atMost(WAIT).until(() -> given().auth().oauth2(token).queryParam("after", first)
                .get("/api/v1/notifications").then().extract().<Integer>path("total") == 1);
        List<String> got = lines.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        // only what came after the cursor: the first notice is not sent again
        assertThat(got).noneMatch(l -> l.contains("QUOTA_NEARLY_FULL"));
        assertThat(got).contains("event:notification");
        assertThat(got).anyMatch(l -> l.startsWith("id:") && Long.parseLong(l.substring(3).strip()) > first);
    }

    @Test
    void aBadCursorIsAProblemNotAStream() {
        given().auth().oauth2(Tokens.bob()).accept("text/event-stream").header("Last-Event-ID", "yesterday")
                .get("/api/v1/notifications").then().statusCode(400);
        given().get("/api/v1/notifications").then().statusCode(401);
    }

    private static int total(String token) {
        return given().auth().oauth2(token).get("/api/v1/notifications").then().statusCode(200).extract()
                .path("total");
    }

    private static EventEnvelope envelope(EventType type, io.hyperai.common.events.payload.EventPayload payload) {
        return EventCodec.envelope(type.producer(), type, "aggregate", payload);
    }

    private static void send(String topic, EventType type, io.hyperai.common.events.payload.EventPayload payload) {
        send(topic, envelope(type, payload));
    }

    private static void send(String topic, EventEnvelope envelope) {
        KafkaProbe.shared().send(topic, envelope.subject(), EventCodec.write(envelope), Map.of());
    }
}
