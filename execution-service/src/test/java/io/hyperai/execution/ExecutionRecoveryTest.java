package io.hyperai.execution;

import static io.hyperai.execution.ExecutionTestResource.startExecution;
import static io.hyperai.execution.ExecutionTestResource.stateOf;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Pod;
import io.hyperai.common.events.EventCodec;
import io.hyperai.common.events.EventEnvelope;
import io.hyperai.common.events.EventType;
import io.hyperai.common.events.Topics;
import io.hyperai.common.events.payload.BillingBalanceState;
import io.hyperai.common.events.payload.StoredBytes;
import io.hyperai.execution.runtime.HomeSave;
import io.hyperai.execution.runtime.PodFactory;
import io.hyperai.infra.k8s.FakeKubelet;
import io.hyperai.infra.k8s.FakeKubelet.Outcome;
import io.hyperai.test.KafkaProbe;
import io.hyperai.test.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** Billing stops, saved working directories, continuing, and repair of what went missing. */
@QuarkusTest
class ExecutionRecoveryTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @BeforeEach
    void admitEverything() {
        ExecutionTestResource.admitEverything();
    }

    private static String gear(String owner) {
        return ExecutionTestResource.cpuGear(owner);
    }

    private static Pod pod(String id) {
        return ExecutionTestResource.kubernetes.client().pods().inNamespace(ExecutionTestResource.NAMESPACE)
                .withName(PodFactory.podName(id)).get();
    }

    /** The fake kubelet copies nothing: the save pod of an ended execution just ends when told. */
    private static void finishSave(String id) {
        await().atMost(WAIT).until(() -> ExecutionTestResource.kubernetes.client().pods()
                .inNamespace(ExecutionTestResource.NAMESPACE).withName(HomeSave.podName(id)).get() != null);
        ExecutionTestResource.kubelet.finish(HomeSave.podName(id), 0);
    }

    @Test
    void anExhaustedBalanceStopsEveryActiveExecutionOfThatUserOnly() {
        String bobsGear = gear("bob");
        String running = startExecution(Tokens.bob(), bobsGear, "{\"mode\":\"jupyter\"}");
        String queued = startExecution(Tokens.bob(), bobsGear, "{\"mode\":\"script\",\"entryCommand\":\"sleep 1\"}");
        String alices = startExecution(Tokens.alice(), gear("alice"), "{\"mode\":\"jupyter\"}");
        await().atMost(WAIT).until(() -> "RUNNING".equals(stateOf(Tokens.bob(), running)));

        EventEnvelope exhausted = EventCodec.envelope("/billing-service", EventType.BILLING_BALANCE_EXHAUSTED, "bob",
                new BillingBalanceState("bob", -3, "CNY"));
        KafkaProbe.shared().send(Topics.BILLING, "bob", EventCodec.write(exhausted), Map.of());
        KafkaProbe.shared().send(Topics.BILLING, "bob", EventCodec.write(exhausted), Map.of());

        for (String id : List.of(running, queued)) {
            await().atMost(WAIT).until(() -> "STOPPED".equals(stateOf(Tokens.bob(), id)));
            given().auth().oauth2(Tokens.bob()).get("/api/v1/executions/" + id).then()
                    .body("reason", equalTo("BALANCE_EXHAUSTED"));
        }
        await().atMost(WAIT).until(() -> pod(running) == null);
        assertThat(stateOf(Tokens.alice(), alices)).isIn("QUEUED", "RUNNING");
        given().auth().oauth2(Tokens.alice()).post("/api/v1/executions/" + alices + "/stop").then().statusCode(200);
    }

    @Test
    void theSavedWorkingDirectoryIsMeasuredAndAnnouncedOnce() throws Exception {
        String gearId = gear("alice");
        ExecutionTestResource.kubelet.plan(FakeKubelet.withLabel(PodFactory.LABEL_GEAR, gearId), Outcome.SUCCEED,
                Duration.ofSeconds(2));
        String id = startExecution(Tokens.alice(), gearId,
                "{\"mode\":\"script\",\"entryCommand\":\"python train.py\"}");
        // what the save pod writes into the working-directories volume
        Path saved = ExecutionTestResource.workdirs.resolve(id);
        Files.createDirectories(saved.resolve("checkpoints"));
        Files.write(saved.resolve("checkpoints/model.bin"), new byte[12_345]);
        Files.write(saved.resolve("log.txt"), new byte[55]);
        await().atMost(WAIT).until(() -> "SUCCEEDED".equals(stateOf(Tokens.alice(), id)));
        finishSave(id);

        List<ConsumerRecord<String, String>> records = KafkaProbe.shared().readUntil(Topics.EXECUTION, WAIT,
                rs -> rs.stream().anyMatch(r -> id.equals(r.key()) && r.value().contains("execution.output.saved")));
        List<StoredBytes> saves = records.stream().filter(r -> id.equals(r.key()))
                .map(r -> EventCodec.read(r.value())).filter(e -> e.type().equals("execution.output.saved"))
                .map(e -> EventCodec.payload(e, StoredBytes.class)).toList();
        assertThat(saves).containsExactly(new StoredBytes(id, "alice", 12_400));
    }

    @Test
    void continuingStartsFromThePreviousWorkingDirectory() {
        String gearId = gear("alice");
        ExecutionTestResource.kubelet.plan(FakeKubelet.withLabel(PodFactory.LABEL_GEAR, gearId), Outcome.SUCCEED,
                Duration.ofMillis(200));
        String first = startExecution(Tokens.alice(), gearId,
                "{\"mode\":\"script\",\"entryCommand\":\"python step1.py\"}");
        given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON).body("{}")
                .post("/api/v1/executions/" + first + "/continue").then().statusCode(409);
        await().atMost(WAIT).until(() -> "SUCCEEDED".equals(stateOf(Tokens.alice(), first)));
        finishSave(first);

        ExecutionTestResource.kubelet.clearPlans();
        String second = given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON)
                .body("{\"mode\":\"script\",\"entryCommand\":\"python step2.py\"}")
                .post("/api/v1/executions/" + first + "/continue").then().statusCode(201)
                .body("continuedFrom", equalTo(first)).body("entryCommand", equalTo("python step2.py"))
                .extract().path("id");
        await().atMost(WAIT).until(() -> pod(second) != null);
        Pod pod = pod(second);
        assertThat(pod.getSpec().getInitContainers()).hasSize(1);
        assertThat(pod.getSpec().getInitContainers().get(0).getVolumeMounts())
                .anyMatch(m -> "workdirs".equals(m.getName()) && first.equals(m.getSubPath()));
        given().auth().oauth2(Tokens.bob()).contentType(ContentType.JSON).body("{}")
                .post("/api/v1/executions/" + first + "/continue").then().statusCode(404);
        given().auth().oauth2(Tokens.alice()).post("/api/v1/executions/" + second + "/stop").then().statusCode(200);
    }

    @Test
    void aQueuedExecutionThatLostItsPodGetsItBack() {
        String gearId = gear("alice");
        ExecutionTestResource.kubelet.plan(FakeKubelet.withLabel(PodFactory.LABEL_GEAR, gearId), Outcome.UNSCHEDULABLE);
        String id = startExecution(Tokens.alice(), gearId,
                "{\"mode\":\"script\",\"entryCommand\":\"python train.py\"}");
        await().atMost(WAIT).until(() -> pod(id) != null);
        String firstUid = pod(id).getMetadata().getUid();
        ExecutionTestResource.kubernetes.client().pods().inNamespace(ExecutionTestResource.NAMESPACE)
                .withName(PodFactory.podName(id)).delete();
        await().atMost(WAIT).until(() -> pod(id) != null && !pod(id).getMetadata().getUid().equals(firstUid));
        assertThat(stateOf(Tokens.alice(), id)).isEqualTo("QUEUED");
        given().auth().oauth2(Tokens.alice()).post("/api/v1/executions/" + id + "/stop").then().statusCode(200);
        await().atMost(WAIT).until(() -> pod(id) == null);
    }
}
