package io.hyperai.execution;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.hyperai.common.events.EventCodec;
import io.hyperai.common.events.EventEnvelope;
import io.hyperai.common.events.EventType;
import io.hyperai.common.events.Topics;
import io.hyperai.common.events.payload.BillingBalanceState;
import io.hyperai.common.events.payload.EventPayload;
import io.hyperai.common.events.payload.StorageQuotaState;
import io.hyperai.test.KafkaProbe;
import io.hyperai.test.SharedInfrastructure;
import io.hyperai.test.Sql;
import io.hyperai.test.StandInService.Answer;
import io.hyperai.test.Tokens;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/**
 * A start admitted from what storage's and billing's events said (AdmissionFacts): a fresh "allowed" asks neither
 * service, a refusal or an old fact asks again, and a slow answer never undoes a newer event. Each test has an owner
 * of its own, so the calls the stand-ins count are that owner's.
 */
@QuarkusTest
class AdmissionFactsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String BILLING_CONSUMER = "execution-service";
    private static final String STORAGE_CONSUMER = "execution-notifications";

    @Inject
    MeterRegistry registry;

    private final List<String[]> started = new ArrayList<>();

    @BeforeEach
    void admitEverything() {
        ExecutionTestResource.admitEverything();
    }

    @AfterEach
    void stopWhatStarted() {
        ExecutionTestResource.admitEverything();
        for (String[] run : started) {
            given().auth().oauth2(Tokens.provider().token(run[0])).post("/api/v1/executions/" + run[1] + "/stop");
        }
    }

    @Test
    void aSecondStartWithinTheMaxAgeAsksNeitherStorageNorBilling() {
        String owner = owner();
        String gear = ExecutionTestResource.cpuGear(owner);
        double fromProjection = checks("billing", "projection");
        start(owner, gear).statusCode(201);
        assertThat(calls("storage", owner)).as("nothing known yet: asked").isEqualTo(1);
        assertThat(calls("billing", owner)).isEqualTo(1);

        start(owner, gear).statusCode(201);
        assertThat(calls("storage", owner)).as("answered by the projection").isEqualTo(1);
        assertThat(calls("billing", owner)).isEqualTo(1);
        assertThat(checks("billing", "projection")).isEqualTo(fromProjection + 1);
    }

    @Test
    void anExhaustedEventMakesTheNextStartAskBillingAndARestoredOneAnswersItAgain() {
        String owner = owner();
        String gear = admittedOnce(owner);
        exhausted(owner);
        ExecutionTestResource.dependencies.on("GET", "/internal/billing/admission/" + owner, r -> Answer.json(
                "{\"userId\":\"" + owner + "\",\"balanceMinor\":0,\"currency\":\"CNY\",\"allowed\":false,"
                        + "\"refusal\":\"balance-exhausted\"}"));
        start(owner, gear).statusCode(402).body("type", equalTo("urn:hyperai:problem:balance-exhausted"));
        assertThat(calls("billing", owner)).as("the refusal asked of billing").isEqualTo(2);

        publish(Topics.BILLING, EventType.BILLING_BALANCE_RESTORED, owner, balance(owner, 5000), BILLING_CONSUMER);
        start(owner, gear).statusCode(201);
        assertThat(calls("billing", owner)).as("allowed again by the restored event, without asking").isEqualTo(2);
    }

    @Test
    void aSlowAnswerDoesNotUndoTheNewerEventThatCameMeanwhile() {
        String owner = owner();
        String gear = ExecutionTestResource.cpuGear(owner);
        // billing is asked first; before it answers "allowed", the balance runs out and its event is applied
        ExecutionTestResource.dependencies.on("GET", "/internal/billing/admission/" + owner, r -> {
            exhausted(owner);
            return Answer.json("{\"userId\":\"" + owner + "\",\"balanceMinor\":10,\"currency\":\"CNY\","
                    + "\"allowed\":true}");
        });
        start(owner, gear).statusCode(201);
        ExecutionTestResource.dependencies.on("GET", "/internal/billing/admission/" + owner,
                r -> Answer.json("{\"allowed\":true}"));

        // a refusal is only ever a reason to ask: billing's yes (a top-up whose event is not here yet) admits
        start(owner, gear).statusCode(201);
        assertThat(calls("billing", owner)).as("the event's refusal stood: asked again").isEqualTo(2);
    }

    @Test
    void billingDownDoesNotStopAStartTheProjectionAdmits() {
        String owner = owner();
        String gear = admittedOnce(owner);
        ExecutionTestResource.dependencies.on("GET", "/internal/billing/admission/" + owner, r -> Answer.status(503));

        start(owner, gear).statusCode(201);
        assertThat(calls("billing", owner)).isEqualTo(1);
    }

    @Test
    void aStorageQuotaEventMakesTheNextStartAskStorage() {
        String owner = owner();
        String gear = admittedOnce(owner);
        publish(Topics.STORAGE, EventType.STORAGE_QUOTA_EXCEEDED, owner, new StorageQuotaState(owner, 100, 101),
                STORAGE_CONSUMER);
        ExecutionTestResource.dependencies.on("GET", "/internal/storage/admission/" + owner,
                r -> Answer.json("{\"quotaBytes\":100,\"usedBytes\":101,\"blocked\":true}"));

        start(owner, gear).statusCode(403).body("type", equalTo("urn:hyperai:problem:storage-blocked"));
        assertThat(calls("storage", owner)).isEqualTo(2);
        assertThat(calls("billing", owner)).as("billing's yes is still fresh").isEqualTo(1);
    }

    @Test
    void factsOlderThanTheMaxAgeAreAskedAgain() throws SQLException {
        String owner = owner();
        String gear = admittedOnce(owner);
        try (Connection c = SharedInfrastructure.postgres().connect("execution"); PreparedStatement s = c.prepareStatement(
                "UPDATE owner_admission SET storage_at = storage_at - interval '6 minutes', balance_at = balance_at"
                        + " - interval '6 minutes', cap_at = cap_at - interval '6 minutes' WHERE owner_id = ?")) {
            s.setString(1, owner);
            assertThat(s.executeUpdate()).isEqualTo(1);
        }

        start(owner, gear).statusCode(201);
        assertThat(calls("storage", owner)).isEqualTo(2);
        assertThat(calls("billing", owner)).isEqualTo(2);
    }

    /** A gear of {@code owner}'s, started once (storage and billing asked and their answers kept). */
    private String admittedOnce(String owner) {
        String gear = ExecutionTestResource.cpuGear(owner);
        start(owner, gear).statusCode(201);
        return gear;
    }

    private static void exhausted(String owner) {
        publish(Topics.BILLING, EventType.BILLING_BALANCE_EXHAUSTED, owner, balance(owner, 0), BILLING_CONSUMER);
    }

    private static String owner() {
        return "admit-" + UUID.randomUUID();
    }

    private ValidatableResponse start(String owner, String gearId) {
        ValidatableResponse response = given().auth().oauth2(Tokens.provider().token(owner))
                .contentType(ContentType.JSON).body("{\"mode\":\"jupyter\"}")
                .post("/api/v1/gears/" + gearId + "/executions").then();
        String id = response.extract().path("id");
        if (id != null) {
            started.add(new String[] { owner, id });
        }
        return response;
    }

    private static long calls(String service, String owner) {
        String path = "/internal/" + service + "/admission/" + owner;
        return ExecutionTestResource.dependencies.received().stream().filter(r -> r.path().equals(path)).count();
    }

    private double checks(String check, String source) {
        var counter = registry.find("hyperai_execution_admission_checks").tags("check", check, "source", source).counter();
        return counter == null ? 0 : counter.count();
    }

    private static BillingBalanceState balance(String owner, long minor) {
        return new BillingBalanceState(owner, minor, "CNY");
    }

    /** Sends the event as its service would, now, and waits until {@code consumer} has applied it. */
    private static void publish(String topic, EventType type, String owner, EventPayload payload, String consumer) {
        EventEnvelope event = EventCodec.envelope(Topics.producer(topic), type, owner, payload);
        KafkaProbe.shared().send(topic, owner, EventCodec.write(event), Map.of());
        await().atMost(WAIT).until(() -> Sql.number(() -> SharedInfrastructure.postgres().connect("execution"),
                "SELECT count(*) FROM inbox_event WHERE consumer = ? AND event_id = ?", consumer, event.id()) == 1);
    }
}
