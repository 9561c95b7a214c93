package io.hyperai.execution;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

import io.hyperai.common.events.EventCodec;
import io.hyperai.common.events.Topics;
import io.hyperai.common.events.payload.StoredBytes;
import io.hyperai.execution.runtime.HomeSave;
import io.hyperai.execution.runtime.PodFactory;
import io.hyperai.infra.k8s.FakeKubelet;
import io.hyperai.infra.k8s.FakeKubelet.Outcome;
import io.hyperai.test.KafkaProbe;
import io.restassured.http.ContentType;

/** A script execution that ran and ended, its home save pod waiting for the test to put files in and finish it. */
final class SavedOutputs {

    static final Duration WAIT = Duration.ofSeconds(60);

    private SavedOutputs() {
    }

    /** Starts a script for {@code user} (token {@code token}), waits until it succeeded and its save pod exists. */
    static String ended(String token, String user) {
        String gearId = ExecutionTestResource.cpuGear(user);
        FakeKubelet.Plan once = ExecutionTestResource.kubelet.plan(
                FakeKubelet.withLabel(PodFactory.LABEL_GEAR, gearId), Outcome.SUCCEED, Duration.ofMillis(200));
        String id = given().auth().oauth2(token).contentType(ContentType.JSON)
                .body("{\"mode\":\"script\",\"entryCommand\":\"python train.py\"}")
                .post("/api/v1/gears/" + gearId + "/executions").then().statusCode(201).extract().path("id");
        await().atMost(WAIT).until(() -> "SUCCEEDED".equals(field(token, id, "state")));
        once.cancel();
        await().atMost(WAIT).until(() -> pod(HomeSave.podName(id)) != null);
        return id;
    }

    /** Where the save pod of {@code id} copies the home. */
    static Path directory(String id) {
        return ExecutionTestResource.workdirs.resolve(id);
    }

    /** The save completes: the directory is measured and announced. */
    static void finishSave(String id) {
        ExecutionTestResource.kubelet.finish(HomeSave.podName(id), 0);
    }

    /** Every event of {@code type} published about {@code id}, oldest first, once there are {@code count}. */
    static List<StoredBytes> events(String id, String type, int count) {
        return KafkaProbe.shared().readUntil(Topics.EXECUTION, WAIT,
                rs -> rs.stream().filter(r -> id.equals(r.key()) && r.value().contains(type)).count() >= count)
                .stream().filter(r -> id.equals(r.key())).map(r -> EventCodec.read(r.value()))
                .filter(e -> e.type().equals(type)).map(e -> EventCodec.payload(e, StoredBytes.class)).toList();
    }

    static Map<String, byte[]> entries(byte[] tarGz) throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new GzipCompressorInputStream(new ByteArrayInputStream(tarGz)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                entries.put(entry.getName(), tar.readAllBytes());
            }
        }
        return entries;
    }

    static String field(String token, String id, String name) {
        return given().auth().oauth2(token).get("/api/v1/executions/" + id).then().statusCode(200).extract().path(name);
    }

    static io.fabric8.kubernetes.api.model.Pod pod(String name) {
        return ExecutionTestResource.kubernetes.client().pods().inNamespace(ExecutionTestResource.NAMESPACE)
                .withName(name).get();
    }
}
