package io.hyperai.execution;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.VolumeMount;
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

/**
 * The home is saved after every way an execution ends. The fake kubelet runs no containers, so what is shown is what
 * the service does: the execution's pod goes, then (never before) the platform's save pod starts on the home's claim,
 * and once it has ended the claim goes and the saved directory (written here as the save pod would) is measured and
 * announced. An OOM-killed script and a lost node included.
 */
@QuarkusTest
class HomeSaveLifecycleTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    enum Ending {
        SUCCEEDED(Outcome.SUCCEED, "SUCCEEDED", null),
        FAILED(Outcome.fail(3), "FAILED", "EXIT_CODE"),
        OOM_KILLED(Outcome.OOM_KILLED, "FAILED", "MEMORY_LIMIT_EXCEEDED"),
        EVICTED(Outcome.EVICTED_DISK, "FAILED", "DISK_LIMIT_EXCEEDED"),
        STOPPED(Outcome.RUN_FOREVER, "STOPPED", "USER_STOPPED"),
        BALANCE_EXHAUSTED(Outcome.RUN_FOREVER, "STOPPED", "BALANCE_EXHAUSTED"),
        // the pod vanishes with its node; the home is on its own claim and is saved all the same
        NODE_LOST(Outcome.RUN_FOREVER, "FAILED", "NODE_LOST");

        final Outcome outcome;
        final String state;
        final String reason;

        Ending(Outcome outcome, String state, String reason) {
            this.outcome = outcome;
            this.state = state;
            this.reason = reason;
        }
    }

    @BeforeEach
    void admitEverything() {
        ExecutionTestResource.admitEverything();
    }

    @ParameterizedTest
    @EnumSource(Ending.class)
    void theHomeIsSavedAfterTheExecutionsPodIsGone(Ending ending) throws Exception {
        String owner = ending == Ending.BALANCE_EXHAUSTED ? "bob" : "alice";
        String token = owner.equals("bob") ? Tokens.bob() : Tokens.alice();
        String gearId = gear(owner);
        ExecutionTestResource.kubelet.plan(FakeKubelet.withLabel(PodFactory.LABEL_GEAR, gearId), ending.outcome,
                Duration.ofMillis(500));
        String id = given().auth().oauth2(token).contentType(ContentType.JSON)
                .body("{\"mode\":\"script\",\"entryCommand\":\"python train.py\"}")
                .post("/api/v1/gears/" + gearId + "/executions").then().statusCode(201).extract().path("id");

        await().atMost(WAIT).until(() -> pod(PodFactory.podName(id)) != null);
        assertThat(claim(id)).isNotNull();
        if (ending == Ending.STOPPED || ending == Ending.BALANCE_EXHAUSTED || ending == Ending.NODE_LOST) {
            await().atMost(WAIT).until(() -> "RUNNING".equals(field(token, id, "state")));
            stop(ending, token, id);
        }
        await().atMost(WAIT).until(() -> ending.state.equals(field(token, id, "state")));
        assertThat(field(token, id, "reason")).isEqualTo(ending.reason);

        await().atMost(WAIT).until(() -> pod(HomeSave.podName(id)) != null);
        assertThat(pod(PodFactory.podName(id))).as("user code has stopped before the save starts").isNull();
        Pod save = pod(HomeSave.podName(id));
        assertThat(save.getSpec().getContainers().get(0).getVolumeMounts()).extracting(VolumeMount::getName,
                VolumeMount::getSubPath, VolumeMount::getReadOnly)
                .containsExactlyInAnyOrder(tuple("home", null, true),
                        tuple("workdirs", id, false));

        // what the save pod copies into the working-directories volume
        Path saved = ExecutionTestResource.workdirs.resolve(id);
        Files.createDirectories(saved.resolve("checkpoints"));
        Files.write(saved.resolve("checkpoints/last.pt"), new byte[4_000]);
        // an evicted home may be over its limit: the save stops there and reports it, and what it saved still counts
        ExecutionTestResource.kubelet.finish(HomeSave.podName(id), ending == Ending.EVICTED ? HomeSave.OVER_LIMIT : 0);

        List<StoredBytes> announced = KafkaProbe.shared().readUntil(Topics.EXECUTION, WAIT,
                rs -> rs.stream().anyMatch(r -> id.equals(r.key()) && r.value().contains("execution.output.saved")))
                .stream().filter(r -> id.equals(r.key())).map(r -> EventCodec.read(r.value()))
                .filter(e -> e.type().equals("execution.output.saved"))
                .map(e -> EventCodec.payload(e, StoredBytes.class)).toList();
        assertThat(announced).containsExactly(new StoredBytes(id, owner, 4_000));
        await().atMost(WAIT).until(() -> pod(HomeSave.podName(id)) == null
                && claim(id) == null);
    }

    @Test
    void aSavePodThatEndedBeforeItsCopyIsStartedAgainAndTheHomeKeptMeanwhile() {
        String gearId = gear("alice");
        ExecutionTestResource.kubelet.plan(FakeKubelet.withLabel(PodFactory.LABEL_GEAR, gearId), Outcome.SUCCEED,
                Duration.ofMillis(200));
        String id = given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON)
                .body("{\"mode\":\"script\",\"entryCommand\":\"python train.py\"}")
                .post("/api/v1/gears/" + gearId + "/executions").then().statusCode(201).extract().path("id");
        await().atMost(WAIT).until(() -> pod(HomeSave.podName(id)) != null);
        String firstUid = pod(HomeSave.podName(id)).getMetadata().getUid();
        ExecutionTestResource.kubelet.evictForDisk(HomeSave.podName(id));

        // one read per poll: the evicted pod may vanish between two
        await().atMost(WAIT).until(() -> {
            var again = pod(HomeSave.podName(id));
            return again != null && !firstUid.equals(again.getMetadata().getUid());
        });
        assertThat(claim(id)).isNotNull();
        ExecutionTestResource.kubelet.finish(HomeSave.podName(id), 0);
        await().atMost(WAIT).until(() -> claim(id) == null);
    }

    @Test
    void continuingWaitsQueuedUntilTheHomeItContinuesIsSaved() {
        String gearId = gear("alice");
        FakeKubelet.Plan once = ExecutionTestResource.kubelet.plan(FakeKubelet.withLabel(PodFactory.LABEL_GEAR, gearId),
                Outcome.SUCCEED, Duration.ofMillis(200));
        String first = given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON)
                .body("{\"mode\":\"script\",\"entryCommand\":\"python step1.py\"}")
                .post("/api/v1/gears/" + gearId + "/executions").then().statusCode(201).extract().path("id");
        await().atMost(WAIT).until(() -> "SUCCEEDED".equals(field(Tokens.alice(), first, "state")));
        once.cancel();
        String second = given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON).body("{}")
                .post("/api/v1/executions/" + first + "/continue").then().statusCode(201).extract().path("id");

        // the runtime has been handed the continuation and the first one's save is under way: no pod yet
        await().atMost(WAIT).until(() -> pod(HomeSave.podName(first)) != null);
        assertThat(pod(PodFactory.podName(second))).isNull();
        assertThat(field(Tokens.alice(), second, "state")).isEqualTo("QUEUED");

        ExecutionTestResource.kubelet.finish(HomeSave.podName(first), 0);
        await().atMost(WAIT).until(() -> pod(PodFactory.podName(second)) != null);
        assertThat(claim(first)).isNull();
        given().auth().oauth2(Tokens.alice()).post("/api/v1/executions/" + second + "/stop").then().statusCode(200);
    }

    private static void stop(Ending ending, String token, String id) {
        if (ending == Ending.NODE_LOST) {
            ExecutionTestResource.kubernetes.client().pods().inNamespace(ExecutionTestResource.NAMESPACE)
                    .withName(PodFactory.podName(id)).withGracePeriod(0).delete();
            return;
        }
        if (ending == Ending.STOPPED) {
            given().auth().oauth2(token).post("/api/v1/executions/" + id + "/stop").then().statusCode(200);
            return;
        }
        EventEnvelope exhausted = EventCodec.envelope("/billing-service", EventType.BILLING_BALANCE_EXHAUSTED, "bob",
                new BillingBalanceState("bob", -1, "CNY"));
        KafkaProbe.shared().send(Topics.BILLING, "bob", EventCodec.write(exhausted), Map.of());
    }

    private static String gear(String owner) {
        return ExecutionTestResource.cpuGear(owner);
    }

    private static String field(String token, String id, String name) {
        return given().auth().oauth2(token).get("/api/v1/executions/" + id).then().statusCode(200).extract().path(name);
    }

    private static Pod pod(String name) {
        return ExecutionTestResource.kubernetes.client().pods().inNamespace(ExecutionTestResource.NAMESPACE)
                .withName(name).get();
    }

    private static PersistentVolumeClaim claim(String id) {
        return ExecutionTestResource.kubernetes.client().persistentVolumeClaims()
                .inNamespace(ExecutionTestResource.NAMESPACE).withName(HomeSave.claimName(id)).get();
    }
}
