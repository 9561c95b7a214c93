package io.hyperai.execution;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.hyperai.common.events.EventCodec;
import io.hyperai.common.events.EventEnvelope;
import io.hyperai.common.events.Topics;
import io.hyperai.common.events.payload.ExecutionEnded;
import io.hyperai.common.events.payload.ExecutionWarned;
import io.hyperai.common.events.payload.ExecutionStarted;
import io.hyperai.execution.runtime.PodFactory;
import io.hyperai.execution.runtime.WorkspaceEndpoint;
import io.hyperai.infra.k8s.FakeKubelet;
import io.hyperai.infra.k8s.FakeKubelet.Outcome;
import io.hyperai.test.KafkaProbe;
import io.hyperai.test.StandInService.Answer;
import io.hyperai.test.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * Executions on a Kubernetes API with a fake kubelet: state follows the pod, limits end in the
 * right failure, workspaces get a URL and stop, and every step is recorded and published.
 */
@QuarkusTest
class ExecutionLifecycleTest {

    @jakarta.inject.Inject
    io.hyperai.execution.runtime.ExecutionRuntime runtime;

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static int gearCounter;

    @BeforeEach
    void dependenciesAdmitEverything() {
        ExecutionTestResource.dependencies.reset();
        ExecutionTestResource.dependencies
                .on("GET", "/internal/storage/admission/([^/]+)", r -> Answer.json(
                        "{\"userId\":\"" + r.group(1) + "\",\"quotaBytes\":100,\"usedBytes\":1,\"blocked\":false}"))
                .on("GET", "/internal/billing/admission/([^/]+)", r -> Answer.json(
                        "{\"userId\":\"" + r.group(1) + "\",\"balanceMinor\":5000,\"currency\":\"CNY\",\"allowed\":true}"));
    }

    /** A gear of alice's served by the stand-in gear-service; GPU when asked. */
    private static String gear(String owner, boolean gpu) {
        String id = "gear-" + (++gearCounter) + "-" + System.nanoTime();
        String spec = gpu
                ? "{\"id\":\"gpu-a100-1\",\"kind\":\"GPU\",\"vcpu\":12,\"memoryMib\":86016,\"diskGib\":200,\"gpuCount\":1,"
                        + "\"gpuModel\":\"A100-80G\",\"pricePerHourMinor\":1290,\"currency\":\"CNY\","
                        + "\"nodeSelector\":{\"hyperai.io/gpu-model\":\"a100-80g\"}}"
                : "{\"id\":\"cpu-2c4g\",\"kind\":\"CPU\",\"vcpu\":2,\"memoryMib\":4096,\"diskGib\":50,\"gpuCount\":0,"
                        + "\"pricePerHourMinor\":100,\"currency\":\"CNY\",\"nodeSelector\":{}}";
        String body = "{\"id\":\"" + id + "\",\"ownerId\":\"" + owner + "\",\"name\":\"g\",\"computeSpec\":" + spec
                + ",\"image\":{\"id\":\"pytorch-2.4-gpu\",\"imageRef\":\"hyperai/pytorch:2.4\",\"build\":\"GPU\"},"
                + "\"bindings\":[{\"mountPath\":\"/hyperai/input/input0\",\"source\":{\"kind\":\"dataset\",\"id\":\"ds-1\","
                + "\"version\":2},\"storagePath\":\"datasets/ds-1/v2\",\"totalBytes\":10}]}";
        ExecutionTestResource.dependencies.on("GET", "/internal/gears/" + id, r -> Answer.json(body));
        return id;
    }

    private static JsonPath startScript(String gearId, String command) {
        return given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON)
                .body("{\"mode\":\"script\",\"entryCommand\":\"" + command + "\"}")
                .post("/api/v1/gears/" + gearId + "/executions")
                .then().statusCode(201).body("state", equalTo("QUEUED")).extract().jsonPath();
    }

    private static JsonPath awaitState(String id, String state) {
        await().atMost(WAIT).until(() -> state.equals(given().auth().oauth2(Tokens.alice())
                .get("/api/v1/executions/" + id).then().statusCode(200).extract().path("state")));
        return given().auth().oauth2(Tokens.alice()).get("/api/v1/executions/" + id).then().extract().jsonPath();
    }

    private static void plan(String gearId, Outcome outcome) {
        ExecutionTestResource.kubelet.plan(FakeKubelet.withLabel(PodFactory.LABEL_GEAR, gearId), outcome,
                ExecutionTestResource.quick());
    }

    private static Pod pod(String executionId) {
        return ExecutionTestResource.kubernetes.client().pods().inNamespace(ExecutionTestResource.NAMESPACE)
                .withName(PodFactory.podName(executionId)).get();
    }

    @Test
    void probingUnknownGearsAnswers404AndDoesNotOpenTheCircuitForEveryoneElse() {
        // more than the breaker's window of 10 calls, all answered 404 by gear-service
        for (int i = 0; i < 25; i++) {
            given().auth().oauth2(Tokens.bob()).contentType(ContentType.JSON).body("{\"mode\":\"jupyter\"}")
                    .post("/api/v1/gears/no-such-gear-" + i + "/executions").then().statusCode(404)
                    .body("type", equalTo("urn:hyperai:problem:not-found"));
        }
        String gearId = gear("alice", false);
        plan(gearId, Outcome.SUCCEED);
        startScript(gearId, "python ok.py");
    }

    @Test
    void aScriptRunsToSuccessAndEveryStepIsRecordedAndPublished() {
        String gearId = gear("alice", true);
        plan(gearId, Outcome.SUCCEED);
        String id = startScript(gearId, "python train.py --epochs 1").getString("id");

        JsonPath done = awaitState(id, "SUCCEEDED");
        // STARTING (placed, container being created) shows when the watch sees that step
        assertThat(done.getList("history.state", String.class)).containsSubsequence("QUEUED", "RUNNING", "SUCCEEDED")
                .isSubsetOf("QUEUED", "STARTING", "RUNNING", "SUCCEEDED");
        assertThat(done.getInt("exitCode")).isZero();
        assertThat(done.getLong("pricePerHourMinor")).isEqualTo(1290);

        List<ConsumerRecord<String, String>> records = KafkaProbe.shared().readUntil(Topics.EXECUTION, WAIT,
                rs -> rs.stream().filter(r -> id.equals(r.key())).count() >= 3);
        List<EventEnvelope> events = records.stream().filter(r -> id.equals(r.key()))
                .map(r -> EventCodec.read(r.value())).toList();
        assertThat(events.subList(0, 3)).extracting(EventEnvelope::type)
                .containsExactly("execution.queued", "execution.started", "execution.succeeded");
        ExecutionStarted started = EventCodec.payload(events.get(1), ExecutionStarted.class);
        ExecutionEnded ended = EventCodec.payload(events.get(2), ExecutionEnded.class);
        assertThat(started.pricePerHourMinor()).isEqualTo(1290);
        assertThat(started.ownerId()).isEqualTo("alice");
        assertThat(ended.startedAt()).isEqualTo(started.startedAt());
        assertThat(ended.endedAt()).isAfterOrEqualTo(started.startedAt());
    }

    @Test
    void thePodIsLockedDownAndSizedFromTheSpec() {
        String gearId = gear("alice", true);
        String id = startScript(gearId, "python train.py").getString("id");
        await().atMost(WAIT).until(() -> pod(id) != null);
        Pod pod = pod(id);
        assertThat(pod.getMetadata().getLabels()).containsEntry(PodFactory.LABEL_EXECUTION, id)
                .containsEntry(PodFactory.LABEL_GEAR, gearId).containsEntry(PodFactory.LABEL_USER, "alice");
        assertThat(pod.getSpec().getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
        assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSpec().getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getSpec().getNodeSelector()).containsEntry("hyperai.io/gpu-model", "a100-80g");
        assertThat(pod.getSpec().getTolerations()).anyMatch(t -> "nvidia.com/gpu".equals(t.getKey()));
        assertThat(pod.getSpec().getVolumes()).noneMatch(v -> v.getHostPath() != null);
        Container main = pod.getSpec().getContainers().get(0);
        assertThat(main.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(main.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(main.getResources().getLimits().get("nvidia.com/gpu").toString()).isEqualTo("1");
        assertThat(main.getResources().getLimits().get("memory").toString()).isEqualTo("86016Mi");
        assertThat(main.getResources().getLimits().get("ephemeral-storage").toString()).isEqualTo("200Gi");
        assertThat(main.getVolumeMounts()).anyMatch(m -> "/hyperai/input/input0".equals(m.getMountPath())
                && Boolean.TRUE.equals(m.getReadOnly()) && "datasets/ds-1/v2".equals(m.getSubPath()));
        assertThat(main.getVolumeMounts()).anyMatch(m -> "/hyperai/home".equals(m.getMountPath())
                && !Boolean.TRUE.equals(m.getReadOnly()));
        given().auth().oauth2(Tokens.alice()).post("/api/v1/executions/" + id + "/stop").then().statusCode(200);
    }

    @Test
    void exceedingMemoryFailsWithTheReason() {
        String gearId = gear("alice", false);
        plan(gearId, Outcome.OOM_KILLED);
        JsonPath failed = awaitState(startScript(gearId, "python eat_memory.py").getString("id"), "FAILED");
        assertThat(failed.getString("reason")).isEqualTo("MEMORY_LIMIT_EXCEEDED");
        assertThat(failed.getInt("exitCode")).isEqualTo(137);
    }

    @Test
    void exceedingDiskFailsWithTheReason() {
        String gearId = gear("alice", false);
        plan(gearId, Outcome.EVICTED_DISK);
        JsonPath failed = awaitState(startScript(gearId, "python fill_disk.py").getString("id"), "FAILED");
        assertThat(failed.getString("reason")).isEqualTo("DISK_LIMIT_EXCEEDED");
    }

    @Test
    void aNonZeroExitFailsWithItsCode() {
        String gearId = gear("alice", false);
        plan(gearId, Outcome.fail(3));
        JsonPath failed = awaitState(startScript(gearId, "exit 3").getString("id"), "FAILED");
        assertThat(failed.getString("reason")).isEqualTo("EXIT_CODE");
        assertThat(failed.getInt("exitCode")).isEqualTo(3);
    }

    @Test
    void waitingForCapacityIsQueuedUntilScheduled() {
        String gearId = gear("alice", true);
        plan(gearId, Outcome.UNSCHEDULABLE);
        String id = startScript(gearId, "python train.py").getString("id");
        await().atMost(WAIT).until(() -> "WAITING_FOR_CAPACITY".equals(given().auth().oauth2(Tokens.alice())
                .get("/api/v1/executions/" + id).then().extract().path("reason")));
        ExecutionTestResource.kubelet.schedule(PodFactory.podName(id));
        JsonPath running = awaitState(id, "RUNNING");
        assertThat(running.getList("history.reason", String.class)).contains("WAITING_FOR_CAPACITY");
        assertThat(running.getList("history.state", String.class)).containsSubsequence("QUEUED", "RUNNING");
        given().auth().oauth2(Tokens.alice()).post("/api/v1/executions/" + id + "/stop").then().statusCode(200);
    }

    @Test
    void aWorkspaceHasAUrlWithItsTokenUntilItIsClosed() {
        String gearId = gear("alice", true);
        String id = given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON).body("{\"mode\":\"jupyter\"}")
                .post("/api/v1/gears/" + gearId + "/executions").then().statusCode(201).extract().path("id");
        JsonPath running = awaitState(id, "RUNNING");
        assertThat(running.getString("workspaceUrl")).contains("/executions/" + id + "/?token=");
        assertThat(ExecutionTestResource.kubernetes.client().services().inNamespace(ExecutionTestResource.NAMESPACE)
                .withName(PodFactory.podName(id)).get()).isNotNull();
        // the proxy and the idle check reach it through that Service, with the token of its URL
        String token = running.getString("workspaceUrl").replaceAll(".*token=", "");
        await().atMost(WAIT).until(() -> runtime.workspaceEndpoint(id).isPresent());
        WorkspaceEndpoint endpoint = runtime.workspaceEndpoint(id).orElseThrow();
        assertThat(endpoint.token()).isEqualTo(token);
        assertThat(endpoint.address().host())
                .isEqualTo(PodFactory.podName(id) + "." + ExecutionTestResource.NAMESPACE + ".svc");
        assertThat(endpoint.address().port()).isEqualTo(8888);

        given().auth().oauth2(Tokens.alice()).post("/api/v1/executions/" + id + "/stop").then().statusCode(200)
                .body("state", equalTo("STOPPED")).body("reason", equalTo("USER_STOPPED"));
        await().atMost(WAIT).until(() -> pod(id) == null);
        assertThat(runtime.workspaceEndpoint(id)).isEmpty();
        JsonPath stopped = awaitState(id, "STOPPED");
        assertThat(stopped.getString("workspaceUrl")).isNull();
        // an ended execution cannot be stopped again
        given().auth().oauth2(Tokens.alice()).post("/api/v1/executions/" + id + "/stop").then().statusCode(409)
                .contentType("application/problem+json");
    }

    @Test
    void aMaximumRunningTimeStopsTheExecutionAtItsDeadline() {
        String gearId = gear("alice", false);
        plan(gearId, Outcome.RUN_FOREVER);
        String id = given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON)
                .body("{\"mode\":\"script\",\"entryCommand\":\"python forever.py\",\"maxRuntimeSeconds\":2}")
                .post("/api/v1/gears/" + gearId + "/executions").then().statusCode(201)
                .body("maxRuntimeSeconds", equalTo(2)).extract().path("id");
        JsonPath stopped = awaitState(id, "STOPPED");
        assertThat(stopped.getString("reason")).isEqualTo("DEADLINE");
        Instant deadline = Instant.parse(stopped.getString("deadlineAt"));
        assertThat(deadline).isEqualTo(Instant.parse(stopped.getString("startedAt")).plusSeconds(2));
        assertThat(Instant.parse(stopped.getString("endedAt"))).isAfterOrEqualTo(deadline);
        await().atMost(WAIT).until(() -> pod(id) == null);
        List<EventEnvelope> events = KafkaProbe.shared().readUntil(Topics.EXECUTION, WAIT,
                rs -> rs.stream().anyMatch(r -> id.equals(r.key()) && r.value().contains("execution.stopped")))
                .stream().filter(r -> id.equals(r.key())).map(r -> EventCodec.read(r.value()))
                .filter(e -> e.type().equals("execution.stopped")).toList();
        assertThat(EventCodec.payload(events.get(0), ExecutionEnded.class).reason()).isEqualTo("DEADLINE");
        // announced once beforehand (the warning time, 5 minutes, is longer than its whole run), with when it stops
        List<ExecutionWarned> warned = KafkaProbe.shared().readUntil(Topics.EXECUTION, WAIT,
                rs -> rs.stream().anyMatch(r -> id.equals(r.key()) && r.value().contains("execution.warned")))
                .stream().filter(r -> id.equals(r.key())).map(r -> EventCodec.read(r.value()))
                .filter(e -> e.type().equals("execution.warned"))
                .map(e -> EventCodec.payload(e, ExecutionWarned.class)).toList();
        assertThat(warned).containsExactly(new ExecutionWarned(id, "alice", "DEADLINE", deadline));
    }

    @Test
    void anIdlePolicyIsTheStartsOrElseItsGearsAndOnlyForWorkspaces() {
        String plain = ExecutionTestResource.cpuGear("alice");
        String withPolicy = ExecutionTestResource.cpuGear("alice", "{\"warnAfterSeconds\":60,\"stopAfterSeconds\":90}");
        plan(plain, Outcome.RUN_FOREVER);
        plan(withPolicy, Outcome.RUN_FOREVER);
        String own = given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON)
                .body("{\"mode\":\"jupyter\",\"idlePolicy\":{\"stopAfterSeconds\":7200}}")
                .post("/api/v1/gears/" + withPolicy + "/executions").then().statusCode(201)
                .body("idlePolicy.stopAfterSeconds", equalTo(7200)).body("idlePolicy.warnAfterSeconds", equalTo(null))
                .extract().path("id");
        // the gear's 60 s are raised to this service's minimum (60 s in tests too: unchanged)
        String fromGear = given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON)
                .body("{\"mode\":\"jupyter\"}").post("/api/v1/gears/" + withPolicy + "/executions").then()
                .statusCode(201).body("idlePolicy.warnAfterSeconds", equalTo(60))
                .body("idlePolicy.stopAfterSeconds", equalTo(90)).extract().path("id");
        String none = given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON)
                .body("{\"mode\":\"jupyter\"}").post("/api/v1/gears/" + plain + "/executions").then()
                .statusCode(201).body("idlePolicy", equalTo(null)).extract().path("id");
        // a script has no idle policy: its gear's is not taken, and one given is refused
        String script = given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON)
                .body("{\"mode\":\"script\",\"entryCommand\":\"python a.py\"}")
                .post("/api/v1/gears/" + withPolicy + "/executions").then().statusCode(201)
                .body("idlePolicy", equalTo(null)).extract().path("id");
        for (String body : List.of(
                "{\"mode\":\"script\",\"entryCommand\":\"python a.py\",\"idlePolicy\":{\"stopAfterSeconds\":600}}",
                "{\"mode\":\"jupyter\",\"idlePolicy\":{\"stopAfterSeconds\":30}}",
                "{\"mode\":\"jupyter\",\"idlePolicy\":{\"warnAfterSeconds\":900,\"stopAfterSeconds\":600}}",
                "{\"mode\":\"jupyter\",\"idlePolicy\":{}}")) {
            given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON).body(body)
                    .post("/api/v1/gears/" + plain + "/executions").then().statusCode(400)
                    .contentType(org.hamcrest.Matchers.startsWith("application/problem+json"))
                    .body("errors.field", org.hamcrest.Matchers.hasItem(org.hamcrest.Matchers.startsWith("idlePolicy")));
        }
        for (String id : List.of(own, fromGear, none, script)) {
            given().auth().oauth2(Tokens.alice()).post("/api/v1/executions/" + id + "/stop").then().statusCode(200);
        }
        // a continued workspace keeps its policy; a script continued with one is refused, as a start is
        String continued = given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON).body("{}")
                .post("/api/v1/executions/" + own + "/continue").then().statusCode(201)
                .body("idlePolicy.stopAfterSeconds", equalTo(7200)).extract().path("id");
        given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON)
                .body("{\"idlePolicy\":{\"stopAfterSeconds\":600}}")
                .post("/api/v1/executions/" + script + "/continue").then().statusCode(400)
                .body("errors.field", org.hamcrest.Matchers.hasItem("idlePolicy"));
        given().auth().oauth2(Tokens.alice()).post("/api/v1/executions/" + continued + "/stop").then().statusCode(200);
    }

    @Test
    void aPodDeletedBehindOurBackFailsItsExecution() {
        String gearId = gear("alice", false);
        String id = startScript(gearId, "sleep 1000").getString("id");
        awaitState(id, "RUNNING");
        ExecutionTestResource.kubernetes.client().pods().inNamespace(ExecutionTestResource.NAMESPACE)
                .withName(PodFactory.podName(id)).delete();
        assertThat(awaitState(id, "FAILED").getString("reason")).isEqualTo("NODE_LOST");
    }

    @Test
    void theAdmissionChecksAreAskedAtOnce() {
        String gearId = gear("alice", false);
        plan(gearId, Outcome.SUCCEED);
        java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
        java.util.function.Function<String, java.util.function.Function<io.hyperai.test.StandInService.Request, Answer>>
                slowly = json -> r -> {
                    most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                    try {
                        Thread.sleep(300);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        inFlight.decrementAndGet();
                    }
                    return Answer.json(json);
                };
        ExecutionTestResource.dependencies
                .on("GET", "/internal/storage/admission/alice", slowly.apply(
                        "{\"userId\":\"alice\",\"quotaBytes\":100,\"usedBytes\":1,\"blocked\":false}"))
                .on("GET", "/internal/billing/admission/alice", slowly.apply(
                        "{\"userId\":\"alice\",\"balanceMinor\":5000,\"currency\":\"CNY\",\"allowed\":true}"));
        ExecutionTestResource.forgetAdmission("alice"); // else its projection answers for storage and billing
        startScript(gearId, "python ok.py");
        assertThat(most.get()).as("storage and billing asked without waiting for each other").isEqualTo(2);
    }

    @Test
    void admissionRefusalsChangeNothing() {
        String bobsGear = gear("bob", false);
        int before = given().auth().oauth2(Tokens.alice()).get("/api/v1/executions").then().extract().path("total");
        given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON).body("{\"mode\":\"jupyter\"}")
                .post("/api/v1/gears/" + bobsGear + "/executions").then().statusCode(404)
                .contentType("application/problem+json");
        given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON).body("{\"mode\":\"jupyter\"}")
                .post("/api/v1/gears/no-such-gear/executions").then().statusCode(404);

        String gearId = gear("alice", false);
        ExecutionTestResource.dependencies.on("GET", "/internal/billing/admission/alice", r -> Answer.json(
                "{\"userId\":\"alice\",\"balanceMinor\":0,\"currency\":\"CNY\",\"allowed\":false}"));
        // the stand-ins changed their answers: what the projection knows of alice would still admit her
        ExecutionTestResource.forgetAdmission("alice");
        given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON).body("{\"mode\":\"jupyter\"}")
                .post("/api/v1/gears/" + gearId + "/executions").then().statusCode(402)
                .body("type", equalTo("urn:hyperai:problem:balance-exhausted"));

        ExecutionTestResource.dependencies.on("GET", "/internal/storage/admission/alice", r -> Answer.json(
                "{\"userId\":\"alice\",\"quotaBytes\":1,\"usedBytes\":2,\"blocked\":true}"));
        ExecutionTestResource.forgetAdmission("alice");
        given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON).body("{\"mode\":\"jupyter\"}")
                .post("/api/v1/gears/" + gearId + "/executions").then().statusCode(403)
                .body("type", equalTo("urn:hyperai:problem:storage-blocked"));

        // refusals come in a fixed order whatever answers first: a foreign or missing gear stays a 404
        given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON).body("{\"mode\":\"jupyter\"}")
                .post("/api/v1/gears/" + bobsGear + "/executions").then().statusCode(404);
        given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON).body("{\"mode\":\"jupyter\"}")
                .post("/api/v1/gears/no-such-gear/executions").then().statusCode(404);

        ExecutionTestResource.dependencies.failing(true);
        given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON).body("{\"mode\":\"jupyter\"}")
                .post("/api/v1/gears/" + gearId + "/executions").then().statusCode(503)
                .header("Retry-After", org.hamcrest.Matchers.notNullValue());
        ExecutionTestResource.dependencies.failing(false);

        int after = given().auth().oauth2(Tokens.alice()).get("/api/v1/executions").then().extract().path("total");
        assertThat(after).isEqualTo(before);
    }

    @Test
    void badInputNamesTheField() {
        String gearId = gear("alice", false);
        given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON).body("{\"mode\":\"script\"}")
                .post("/api/v1/gears/" + gearId + "/executions").then().statusCode(400)
                .body("errors.field", hasItem("entryCommand"));
        given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON).body("{\"mode\":\"cluster\"}")
                .post("/api/v1/gears/" + gearId + "/executions").then().statusCode(400)
                .body("errors.field", hasItem("mode"));
        given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON).body("{}")
                .post("/api/v1/gears/" + gearId + "/executions").then().statusCode(400)
                .body("errors.field", hasItem("mode"));
        given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON)
                .body("{\"mode\":\"jupyter\",\"maxRuntimeSeconds\":0}")
                .post("/api/v1/gears/" + gearId + "/executions").then().statusCode(400)
                .body("errors.field", hasItem("maxRuntimeSeconds"));
        given().auth().oauth2(Tokens.alice()).get("/api/v1/executions?state=DANCING").then().statusCode(400)
                .body("errors.field", hasItem("state"));
    }

    @Test
    void anotherUsersExecutionIsNotFound() {
        String gearId = gear("alice", false);
        String id = startScript(gearId, "sleep 100").getString("id");
        given().auth().oauth2(Tokens.bob()).get("/api/v1/executions/" + id).then().statusCode(404)
                .body(org.hamcrest.Matchers.not(containsString("alice")));
        given().auth().oauth2(Tokens.bob()).post("/api/v1/executions/" + id + "/stop").then().statusCode(404);
        given().auth().oauth2(Tokens.bob()).get("/api/v1/executions/" + id + "/logs").then().statusCode(404);
        given().auth().oauth2(Tokens.alice()).post("/api/v1/executions/" + id + "/stop").then().statusCode(200);
    }

    /** A running script of alice's that has printed {@code output}. */
    private String runningScriptThatPrinted(String output) {
        String id = startScript(gear("alice", false), "python train.py").getString("id");
        awaitState(id, "RUNNING");
        ExecutionTestResource.kubelet.appendLog(PodFactory.podName(id), output);
        return id;
    }

    @Test
    void logsAreReadAndFollowedUntilTheEnd() {
        String id = runningScriptThatPrinted("epoch 1 loss 0.9\n");
        await().atMost(WAIT).until(() -> given().auth().oauth2(Tokens.alice()).accept("text/plain")
                .get("/api/v1/executions/" + id + "/logs").then().statusCode(200).extract().asString()
                .contains("epoch 1 loss 0.9"));

        java.util.concurrent.CompletableFuture<String> followed = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> given().auth().oauth2(Tokens.alice()).accept("text/event-stream")
                        .get("/api/v1/executions/" + id + "/logs?follow=true").then().statusCode(200).extract().asString());
        ExecutionTestResource.kubelet.appendLog(PodFactory.podName(id), "epoch 2 loss 0.5\n");
        await().pollDelay(Duration.ofSeconds(2)).atMost(WAIT).until(() -> true);
        ExecutionTestResource.kubelet.finish(PodFactory.podName(id), 0);
        String stream = followed.orTimeout(60, java.util.concurrent.TimeUnit.SECONDS).join();
        assertThat(stream).contains("data:epoch 1 loss 0.9").contains("epoch 2 loss 0.5");
        awaitState(id, "SUCCEEDED");
        // the ended script's pod goes; its output stays readable
        await().atMost(WAIT).until(() -> pod(id) == null);
        assertThat(given().auth().oauth2(Tokens.alice()).accept("text/plain").get("/api/v1/executions/" + id + "/logs")
                .then().statusCode(200).extract().asString()).contains("epoch 1 loss 0.9").contains("epoch 2 loss 0.5");
    }

    @Test
    void anOutputTheClusterCannotServeNowIsRetryableNotAnError() {
        String id = runningScriptThatPrinted("epoch 1\n");
        ExecutionTestResource.kubernetes.failLogReads(ExecutionTestResource.NAMESPACE, PodFactory.podName(id), true);
        try {
            given().auth().oauth2(Tokens.alice()).accept("text/plain").get("/api/v1/executions/" + id + "/logs")
                    .then().statusCode(503).header("Retry-After", notNullValue())
                    .contentType("application/problem+json");
        } finally {
            ExecutionTestResource.kubernetes.failLogReads(ExecutionTestResource.NAMESPACE, PodFactory.podName(id), false);
        }
        given().auth().oauth2(Tokens.alice()).accept("text/plain").get("/api/v1/executions/" + id + "/logs")
                .then().statusCode(200).body(equalTo("epoch 1\n"));
        given().auth().oauth2(Tokens.alice()).post("/api/v1/executions/" + id + "/stop").then().statusCode(200);
    }

    /**
     * Reads of the cluster's log closed their stream after its end, which reset a connection already back in the
     * pool and broke whatever other call it carried ("Connection was closed"): no read may break another.
     */
    @Test
    void concurrentReadsOfAnOutputDoNotBreakEachOther() throws Exception {
        String id = runningScriptThatPrinted("epoch 1 loss 0.9\n");
        java.util.concurrent.ExecutorService readers = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.concurrent.Callable<Void> reads = () -> {
                for (int i = 0; i < 300; i++) {
                    assertThat(runtime.logs(id, 0, 64 * 1024)).asString().isEqualTo("epoch 1 loss 0.9\n");
                }
                return null;
            };
            for (java.util.concurrent.Future<Void> done : readers.invokeAll(List.of(reads, reads))) {
                done.get();
            }
        } finally {
            readers.shutdownNow();
        }
        given().auth().oauth2(Tokens.alice()).post("/api/v1/executions/" + id + "/stop").then().statusCode(200);
    }

    @Test
    void aFollowGoesOnFromWhereItWasWhenTheClusterFailsReads() {
        String id = runningScriptThatPrinted("epoch 1\n");
        String pod = PodFactory.podName(id);
        java.util.concurrent.CompletableFuture<String> followed = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> given().auth().oauth2(Tokens.alice()).accept("text/event-stream")
                        .get("/api/v1/executions/" + id + "/logs?follow=true").then().statusCode(200).extract().asString());
        ExecutionTestResource.kubernetes.failLogReads(ExecutionTestResource.NAMESPACE, pod, true);
        try {
            ExecutionTestResource.kubelet.appendLog(pod, "epoch 2\n");
            // fabric8 tries a read 11 times, one poll after the other: the 12th failed read is the next poll's
            // (a stream the failed poll broke is done instead, and the join below says how)
            await().atMost(WAIT).until(() -> followed.isDone()
                    || ExecutionTestResource.kubernetes.failedLogReads(ExecutionTestResource.NAMESPACE, pod) >= 12);
        } finally {
            ExecutionTestResource.kubernetes.failLogReads(ExecutionTestResource.NAMESPACE, pod, false);
        }
        ExecutionTestResource.kubelet.appendLog(pod, "epoch 3\n");
        ExecutionTestResource.kubelet.finish(pod, 0);
        String stream = followed.orTimeout(60, java.util.concurrent.TimeUnit.SECONDS).join();
        // every line once, in order: the stream ended as a stream does, not cut off
        assertThat(stream.replaceAll("(?m)^data:", "").replace("\n", "")).isEqualTo("epoch 1epoch 2epoch 3");
        awaitState(id, "SUCCEEDED");
    }

    /** Once bytes are sent the status is too: a read that fails after them breaks the response off, never short. */
    @Test
    void aPlainReadTheClusterFailsMidWayIsBrokenOffNotCutShort() {
        String id = runningScriptThatPrinted("x".repeat(100 * 1024) + "\n");
        String pod = PodFactory.podName(id);
        ExecutionTestResource.kubernetes.failLogReadsPast(ExecutionTestResource.NAMESPACE, pod,
                io.hyperai.execution.service.LogService.CHUNK);
        try {
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> given().auth().oauth2(Tokens.alice())
                    .accept("text/plain").get("/api/v1/executions/" + id + "/logs").then().statusCode(200)
                    .extract().asByteArray())).isNotNull();
        } finally {
            ExecutionTestResource.kubernetes.failLogReadsPast(ExecutionTestResource.NAMESPACE, pod, -1);
        }
        assertThat(given().auth().oauth2(Tokens.alice()).accept("text/plain").get("/api/v1/executions/" + id + "/logs")
                .then().statusCode(200).extract().asByteArray()).hasSize(100 * 1024 + 1);
        given().auth().oauth2(Tokens.alice()).post("/api/v1/executions/" + id + "/stop").then().statusCode(200);
    }

    @Test
    void aLongOutputKeepsItsTailOnceThePodIsGoneAndMarksWhatWasNotKept() {
        String gearId = gear("alice", false);
        String id = startScript(gearId, "python train.py").getString("id");
        awaitState(id, "RUNNING");
        String head = "first line\n";
        String body = "x".repeat(1536 * 1024) + "\n";
        ExecutionTestResource.kubelet.appendLog(PodFactory.podName(id), head + body + "last line\n");
        byte[] live = given().auth().oauth2(Tokens.alice()).accept("text/plain")
                .get("/api/v1/executions/" + id + "/logs").then().statusCode(200).extract().asByteArray();
        assertThat(live).hasSize(head.length() + body.length() + "last line\n".length());
        assertThat(given().auth().oauth2(Tokens.alice()).accept("text/plain")
                .get("/api/v1/executions/" + id + "/logs?offset=" + (live.length - 10)).then().statusCode(200)
                .extract().asString()).isEqualTo("last line\n");
        ExecutionTestResource.kubelet.finish(PodFactory.podName(id), 0);
        awaitState(id, "SUCCEEDED");
        await().atMost(WAIT).until(() -> pod(id) == null);
        String kept = given().auth().oauth2(Tokens.alice()).accept("text/plain")
                .get("/api/v1/executions/" + id + "/logs").then().statusCode(200).extract().asString();
        assertThat(kept).startsWith("[hyperai: ").contains("earlier bytes of output were not kept]")
                .endsWith("last line\n").doesNotContain("first line");
        given().auth().oauth2(Tokens.alice()).accept("text/plain").get("/api/v1/executions/" + id + "/logs?offset=-1")
                .then().statusCode(400);
    }

    @Test
    void anImageThatCannotBePulledFailsAtOnceAndItsPodGoes() {
        String gearId = gear("alice", false);
        ExecutionTestResource.kubelet.plan(FakeKubelet.withLabel(PodFactory.LABEL_GEAR, gearId), Outcome.UNSCHEDULABLE);
        String id = startScript(gearId, "python train.py").getString("id");
        await().atMost(WAIT).until(() -> pod(id) != null);
        // the fake kubelet marks the pod unschedulable meanwhile: an edit on a stale version is refused (409), again
        await().atMost(WAIT).ignoreException(io.fabric8.kubernetes.client.KubernetesClientException.class)
                .until(() -> ExecutionTestResource.kubernetes.client().pods()
                        .inNamespace(ExecutionTestResource.NAMESPACE).withName(PodFactory.podName(id))
                        .editStatus(p -> new io.fabric8.kubernetes.api.model.PodBuilder(p)
                        .editStatus().withPhase("Pending").withContainerStatuses(
                                new io.fabric8.kubernetes.api.model.ContainerStatusBuilder().withName("main")
                                        .withNewState().withNewWaiting().withReason("ImagePullBackOff")
                                        .withMessage("Back-off pulling image \"hyperai/missing:1\"").endWaiting()
                                        .endState().build())
                        .endStatus().build()) != null);
        JsonPath failed = awaitState(id, "FAILED");
        assertThat(failed.getString("reason")).isEqualTo("IMAGE_PULL_FAILED");
        await().atMost(WAIT).until(() -> pod(id) == null);
    }

    /**
     * A workspace's container starts before Jupyter answers: it is charged from the container's start, but its history
     * shows RUNNING no earlier than the STARTING step before it (it showed RUNNING first, at the container's start).
     */
    @Test
    void aWorkspaceRunsFromItsContainersStartYetItsHistoryNeverGoesBack() {
        String gearId = gear("alice", false);
        plan(gearId, Outcome.UNSCHEDULABLE);
        String id = given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON).body("{\"mode\":\"jupyter\"}")
                .post("/api/v1/gears/" + gearId + "/executions").then().statusCode(201).extract().path("id");
        await().atMost(WAIT).until(() -> pod(id) != null);
        java.time.Instant containerStart = java.time.Instant.now().minusSeconds(30).truncatedTo(
                java.time.temporal.ChronoUnit.SECONDS);
        setMainContainer(id, containerStart, false);
        awaitState(id, "STARTING");
        setMainContainer(id, containerStart, true);
        JsonPath running = awaitState(id, "RUNNING");
        assertThat(java.time.Instant.parse(running.getString("startedAt"))).isEqualTo(containerStart);
        List<java.time.Instant> at = running.getList("history.at", String.class).stream()
                .map(java.time.Instant::parse).toList();
        assertThat(running.getList("history.state", String.class)).containsSubsequence("STARTING", "RUNNING");
        assertThat(at).as("the history's times, in its order").isSorted();
        given().auth().oauth2(Tokens.alice()).post("/api/v1/executions/" + id + "/stop").then().statusCode(200);
    }

    /** The pod Running, its main container started at {@code startedAt}, ready (answering) or not yet. */
    private static void setMainContainer(String id, java.time.Instant startedAt, boolean ready) {
        await().atMost(WAIT).ignoreException(io.fabric8.kubernetes.client.KubernetesClientException.class)
                .until(() -> ExecutionTestResource.kubernetes.client().pods()
                        .inNamespace(ExecutionTestResource.NAMESPACE).withName(PodFactory.podName(id))
                        .editStatus(p -> new io.fabric8.kubernetes.api.model.PodBuilder(p).editStatus()
                                .withPhase("Running").withConditions().withContainerStatuses(
                                        new io.fabric8.kubernetes.api.model.ContainerStatusBuilder().withName("main")
                                                .withReady(ready).withStarted(true).withNewState().withNewRunning()
                                                .withStartedAt(startedAt.toString()).endRunning().endState().build())
                                .endStatus().build()) != null);
    }

    @Test
    void aLabelledPodWithoutAnExecutionIsRemoved() {
        String stray = java.util.UUID.randomUUID().toString();
        ExecutionTestResource.kubernetes.client().pods().inNamespace(ExecutionTestResource.NAMESPACE)
                .resource(new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata()
                        .withName(PodFactory.podName(stray))
                        .addToLabels(PodFactory.LABEL_MANAGED_BY, PodFactory.MANAGER)
                        .addToLabels(PodFactory.LABEL_EXECUTION, stray).endMetadata()
                        .withNewSpec().addNewContainer().withName("main").withImage("busybox").endContainer().endSpec()
                        .build()).create();
        await().atMost(WAIT).until(() -> pod(stray) == null);
    }
}
