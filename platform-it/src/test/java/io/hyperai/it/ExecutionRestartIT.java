package io.hyperai.it;

import static io.hyperai.it.Api.newUser;
import static io.hyperai.it.Api.token;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.hyperai.common.events.EventCodec;
import io.hyperai.common.events.EventEnvelope;
import io.hyperai.common.events.Topics;
import io.hyperai.common.events.payload.ExecutionEnded;
import io.hyperai.common.events.payload.StoredBytes;
import io.hyperai.execution.runtime.HomeSave;
import io.hyperai.execution.runtime.PodFactory;
import io.hyperai.infra.ServiceProcess;
import io.hyperai.infra.k8s.FakeKubelet;
import io.hyperai.infra.k8s.FakeKubelet.Outcome;
import io.hyperai.infra.k8s.KubernetesApiServer;
import io.hyperai.test.KafkaProbe;
import io.hyperai.test.PackagedServices;
import io.hyperai.test.Tokens;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * Issue 5's promise that a restart of execution-service loses no execution, on the packaged service with the
 * Kubernetes runtime (the shared API mock and fake kubelet of {@link SharedServices}, the real gear, storage and
 * billing services for admission). While the service is down (kill -9) the cluster moves on: pods finish, fail, get scheduled,
 * vanish, and a stray pod appears. After the restart the informer's first list and the reconciliation pass must
 * bring every execution to what its pod says, with the times observed on the pod, each change published once; and
 * every home saved across the restart (one whose copy was under way when the service died) is measured once, exactly.
 */
@ExtendWith(SharedServices.class)
class ExecutionRestartIT {

    private static final String NAMESPACE = SharedServices.EXECUTIONS_NAMESPACE;
    private static final Duration WAIT = Duration.ofSeconds(120);

    private static KubernetesApiServer kubernetes;
    private static FakeKubelet kubelet;
    private static PackagedServices services;
    private static Api api;

    @BeforeAll
    static void start() {
        services = SharedServices.get();
        api = new Api(services);
        kubernetes = SharedServices.kubernetes();
        kubelet = SharedServices.kubelet();
    }

    @Test
    void aRestartLosesNoExecutionAndRepairsWhatChangedWhileDown() throws IOException {
        String owner = newUser("dora");
        String token = token(owner);
        given().baseUri(services.url("billing")).auth().oauth2(Tokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("amountMinor", 1_000_000, "reference", "restart-" + owner))
                .post("/api/v1/billing/accounts/" + owner + "/top-ups").then().statusCode(201);
        String gear = api.createGear(token, "restart-" + System.nanoTime(), List.of()).then().statusCode(201)
                .extract().path("id");

        String keepsRunning = startExecution(token, gear, "{\"mode\":\"jupyter\"}");
        String succeeds = startExecution(token, gear, "{\"mode\":\"script\",\"entryCommand\":\"python ok.py\"}");
        String fails = startExecution(token, gear, "{\"mode\":\"script\",\"entryCommand\":\"python bad.py\"}");
        String vanishes = startExecution(token, gear, "{\"mode\":\"jupyter\"}");
        String savedAcross = startExecution(token, gear, "{\"mode\":\"script\",\"entryCommand\":\"python s.py\"}");
        for (String id : List.of(keepsRunning, succeeds, fails, vanishes, savedAcross)) {
            await().atMost(WAIT).until(() -> "RUNNING".equals(view(token, id).getString("state")));
        }
        // the next execution's pod waits for capacity: the kubelet leaves it Pending until told to schedule it
        String waits;
        try (FakeKubelet.Plan unschedulable = kubelet.plan(pod -> true, Outcome.UNSCHEDULABLE)) {
            waits = startExecution(token, gear, "{\"mode\":\"jupyter\"}");
            await().atMost(WAIT).until(() -> "QUEUED".equals(view(token, waits).getString("state"))
                    && "WAITING_FOR_CAPACITY".equals(view(token, waits).getString("reason")));
        }
        Instant keepsRunningStarted = instant(view(token, keepsRunning), "startedAt");
        // one execution has ended and its home is being copied when the service dies: the copy ends while it is down
        FakeKubelet.Plan slowSave = kubelet.plan(FakeKubelet.withLabel(HomeSave.LABEL_SAVES, savedAcross),
                Outcome.RUN_FOREVER);
        kubelet.finish(PodFactory.podName(savedAcross), 0);
        await().atMost(WAIT).until(() -> "SUCCEEDED".equals(view(token, savedAcross).getString("state"))
                && "Running".equals(podPhase(HomeSave.podName(savedAcross))));

        ServiceProcess service = services.get("execution");
        service.kill();
        long killedAt = System.nanoTime();
        // what the two saves copy into the working-directories volume: one finishes while the service is down, the
        // other (of an execution that ends while it is down) starts only after the restart
        writeSaved(savedAcross, 5_000);
        writeSaved(succeeds, 3_000);
        kubelet.finish(HomeSave.podName(savedAcross), 0);
        slowSave.cancel();
        kubelet.finish(PodFactory.podName(succeeds), 0);
        kubelet.finish(PodFactory.podName(fails), 3);
        kubelet.schedule(PodFactory.podName(waits));
        kubernetes.client().pods().inNamespace(NAMESPACE).withName(PodFactory.podName(vanishes)).delete();
        String stray = UUID.randomUUID().toString();
        kubernetes.client().pods().inNamespace(NAMESPACE).resource(strayPod(stray)).create();
        await().atMost(WAIT).until(() -> terminated(succeeds) != null && terminated(fails) != null
                && "Running".equals(phase(waits)));
        Instant succeededAt = terminated(succeeds);
        Instant failedAt = terminated(fails);

        service.restart(Duration.ofSeconds(180));
        long downMs = (System.nanoTime() - killedAt) / 1_000_000;
        long readyAt = System.nanoTime();
        await().atMost(WAIT).until(() -> "SUCCEEDED".equals(view(token, succeeds).getString("state"))
                && "FAILED".equals(view(token, fails).getString("state"))
                && "FAILED".equals(view(token, vanishes).getString("state"))
                && "RUNNING".equals(view(token, waits).getString("state"))
                && kubernetes.client().pods().inNamespace(NAMESPACE).withName(PodFactory.podName(stray)).get() == null);
        long repairedMs = (System.nanoTime() - readyAt) / 1_000_000;
        System.out.printf("execution restart: down %d ms (kill -9 to ready); every execution repaired %d ms after "
                + "ready%n", downMs, repairedMs);

        JsonPath running = view(token, keepsRunning);
        assertThat(running.getString("state")).isEqualTo("RUNNING");
        assertThat(instant(running, "startedAt")).isEqualTo(keepsRunningStarted);
        assertThat(running.getString("workspaceUrl")).contains(keepsRunning);

        JsonPath ok = view(token, succeeds);
        assertThat(ok.getInt("exitCode")).isZero();
        assertThat(instant(ok, "endedAt")).isEqualTo(succeededAt);
        JsonPath bad = view(token, fails);
        assertThat(bad.getString("reason")).isEqualTo("EXIT_CODE");
        assertThat(bad.getInt("exitCode")).isEqualTo(3);
        assertThat(instant(bad, "endedAt")).isEqualTo(failedAt);
        assertThat(view(token, vanishes).getString("reason")).isEqualTo("NODE_LOST");
        assertThat(view(token, waits).getList("history.state")).containsSubsequence("QUEUED", "RUNNING");

        // each execution announced each of its changes once, with the pod's times
        Map<String, List<EventEnvelope>> events = events(Map.of(keepsRunning, 2, succeeds, 3, fails, 3, vanishes, 3,
                waits, 2));
        assertThat(types(events.get(keepsRunning))).containsExactly("execution.queued", "execution.started");
        assertThat(types(events.get(succeeds))).containsExactly("execution.queued", "execution.started",
                "execution.succeeded");
        assertThat(types(events.get(fails))).containsExactly("execution.queued", "execution.started",
                "execution.failed");
        assertThat(types(events.get(vanishes))).containsExactly("execution.queued", "execution.started",
                "execution.failed");
        assertThat(types(events.get(waits))).containsExactly("execution.queued", "execution.started");
        assertThat(ended(events.get(succeeds)).endedAt()).isEqualTo(succeededAt);
        assertThat(ended(events.get(fails)).endedAt()).isEqualTo(failedAt);

        // finished pods are removed once their outcome is stored; the running ones stay
        await().atMost(WAIT).until(() -> kubernetes.client().pods().inNamespace(NAMESPACE)
                .withName(PodFactory.podName(succeeds)).get() == null);
        assertThat(phase(keepsRunning)).isEqualTo("Running");

        // each home saved around the restart is measured once, exactly
        assertThat(saved(savedAcross)).containsExactly(new StoredBytes(savedAcross, owner, 5_000));
        assertThat(saved(succeeds)).containsExactly(new StoredBytes(succeeds, owner, 3_000));

        // and the restarted service runs new work
        String after = startExecution(token, gear, "{\"mode\":\"jupyter\"}");
        await().atMost(WAIT).until(() -> "RUNNING".equals(view(token, after).getString("state")));
        for (String id : List.of(keepsRunning, waits, after)) {
            given().baseUri(services.url("execution")).auth().oauth2(token).post("/api/v1/executions/" + id + "/stop")
                    .then().statusCode(200);
        }
    }

    private static String startExecution(String token, String gear, String body) {
        return given().baseUri(services.url("execution")).auth().oauth2(token).contentType(ContentType.JSON)
                .body(body).post("/api/v1/gears/" + gear + "/executions").then().statusCode(201).extract().path("id");
    }

    private static JsonPath view(String token, String id) {
        return given().baseUri(services.url("execution")).auth().oauth2(token).get("/api/v1/executions/" + id)
                .then().statusCode(200).extract().jsonPath();
    }

    private static Instant instant(JsonPath view, String field) {
        String value = view.getString(field);
        return value == null ? null : Instant.parse(value);
    }

    private static Pod pod(String executionId) {
        return kubernetes.client().pods().inNamespace(NAMESPACE).withName(PodFactory.podName(executionId)).get();
    }

    private static String phase(String executionId) {
        return podPhase(PodFactory.podName(executionId));
    }

    private static String podPhase(String podName) {
        Pod pod = kubernetes.client().pods().inNamespace(NAMESPACE).withName(podName).get();
        return pod == null || pod.getStatus() == null ? null : pod.getStatus().getPhase();
    }

    /** Files of this many bytes in the execution's saved working directory, as its save pod would copy them. */
    private static void writeSaved(String executionId, int bytes) throws IOException {
        Path dir = services.dataDir().resolve("workdirs").resolve(executionId).resolve("checkpoints");
        Files.createDirectories(dir);
        Files.write(dir.resolve("last.pt"), new byte[bytes]);
    }

    /** Every {@code execution.output.saved} of this execution so far, once there is one. */
    private static List<StoredBytes> saved(String executionId) {
        return KafkaProbe.shared().readUntil(Topics.EXECUTION, WAIT, rs -> rs.stream()
                .anyMatch(r -> executionId.equals(r.key()) && r.value().contains("execution.output.saved")))
                .stream().filter(r -> executionId.equals(r.key())).map(r -> EventCodec.read(r.value()))
                .filter(e -> e.type().equals("execution.output.saved"))
                .map(e -> EventCodec.payload(e, StoredBytes.class)).toList();
    }

    /** When the pod's main container terminated, as the kubelet recorded it; null while it has not. */
    private static Instant terminated(String executionId) {
        Pod pod = pod(executionId);
        if (pod == null || pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return null;
        }
        return pod.getStatus().getContainerStatuses().stream()
                .filter(s -> s.getState() != null && s.getState().getTerminated() != null)
                .map(s -> Instant.parse(s.getState().getTerminated().getFinishedAt())).findFirst().orElse(null);
    }

    /** A pod that looks like ours but whose execution does not exist (left by a crashed earlier instance). */
    private static Pod strayPod(String executionId) {
        return new PodBuilder().withNewMetadata().withName(PodFactory.podName(executionId))
                .addToLabels(PodFactory.LABEL_MANAGED_BY, PodFactory.MANAGER)
                .addToLabels(PodFactory.LABEL_EXECUTION, executionId).endMetadata()
                .withNewSpec().addNewContainer().withName("main").withImage("hyperai/pytorch:2.4-cpu").endContainer()
                .withRestartPolicy("Never").endSpec().build();
    }

    /** The lifecycle events of each execution, once at least the expected number of them has arrived. */
    private static Map<String, List<EventEnvelope>> events(Map<String, Integer> expected) {
        List<ConsumerRecord<String, String>> records = KafkaProbe.shared().readUntil(Topics.EXECUTION, WAIT,
                rs -> expected.entrySet().stream().allMatch(x -> rs.stream().filter(r -> x.getKey().equals(r.key()))
                        .filter(r -> !r.value().contains("execution.output.saved")).count() >= x.getValue()));
        Map<String, List<EventEnvelope>> byId = new LinkedHashMap<>();
        for (String id : expected.keySet()) {
            byId.put(id, records.stream().filter(r -> id.equals(r.key())).map(r -> EventCodec.read(r.value()))
                    .filter(e -> !e.type().equals("execution.output.saved")).toList());
        }
        return byId;
    }

    private static List<String> types(List<EventEnvelope> events) {
        return events.stream().map(EventEnvelope::type).toList();
    }

    private static ExecutionEnded ended(List<EventEnvelope> events) {
        return EventCodec.payload(events.get(events.size() - 1), ExecutionEnded.class);
    }
}
