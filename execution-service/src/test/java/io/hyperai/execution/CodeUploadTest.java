package io.hyperai.execution;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Pod;
import io.hyperai.common.events.EventCodec;
import io.hyperai.common.events.Topics;
import io.hyperai.common.events.payload.StoredBytes;
import io.hyperai.execution.config.ExecutionConfig;
import io.hyperai.execution.runtime.PodFactory;
import io.hyperai.test.KafkaProbe;
import io.hyperai.test.RawUpload;
import io.hyperai.test.StandInService.Answer;
import io.hyperai.test.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;

/** Code uploads: checked like warehouse versions, counted against storage, copied into a script's home. */
@QuarkusTest
class CodeUploadTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String RESERVATION = "5b0d2e1a-0000-4000-8000-00000000000b";
    private static final List<String> RESERVED = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Inject
    ExecutionConfig config;

    @BeforeEach
    void admit() {
        ExecutionTestResource.dependencies.reset();
        ExecutionTestResource.dependencies
                .on("GET", "/internal/storage/admission/([^/]+)", r -> Answer.json(
                        "{\"quotaBytes\":1000000,\"usedBytes\":0,\"blocked\":false}"))
                .on("POST", "/internal/storage/reservations", r -> {
                    RESERVED.add(r.body());
                    return new Answer(201, "{\"id\":\"" + RESERVATION + "\",\"userId\":\"alice\",\"bytes\":1,"
                            + "\"expiresAt\":\"2026-11-29T09:30:15Z\"}");
                })
                .on("GET", "/internal/billing/admission/([^/]+)", r -> Answer.json("{\"allowed\":true}"));
    }

    private static byte[] zip(String name, String content) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry(name));
            zip.write(content.getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return bytes.toByteArray();
    }

    @Test
    void codeIsUploadedCountedAndMountedIntoAScript() throws Exception {
        String id = given().auth().oauth2(Tokens.alice()).contentType("multipart/form-data")
                .multiPart("files", "train.py", "print('hi')\n".getBytes(StandardCharsets.UTF_8))
                .multiPart("files", "lib/util.py", "X = 1\n".getBytes(StandardCharsets.UTF_8))
                .post("/api/v1/code").then().statusCode(201)
                .body("totalBytes", equalTo(18)).body("files.path", hasItem("lib/util.py"))
                .extract().path("id");
        given().auth().oauth2(Tokens.bob()).get("/api/v1/code/" + id).then().statusCode(404);

        List<ConsumerRecord<String, String>> records = KafkaProbe.shared().readUntil(Topics.EXECUTION, WAIT,
                rs -> rs.stream().anyMatch(r -> id.equals(r.key())));
        StoredBytes uploaded = EventCodec.payload(EventCodec.read(records.stream().filter(r -> id.equals(r.key()))
                .findFirst().orElseThrow().value()), StoredBytes.class);
        // the exact bytes were reserved with storage first, and the event settles that reservation
        assertThat(uploaded).isEqualTo(new StoredBytes(id, "alice", 18, RESERVATION));
        assertThat(RESERVED).anyMatch(body -> body.contains("\"userId\":\"alice\"") && body.contains("\"bytes\":18"));

        String gearId = "gear-code-" + System.nanoTime();
        ExecutionTestResource.dependencies.on("GET", "/internal/gears/" + gearId, r -> Answer.json("{\"id\":\""
                + gearId + "\",\"ownerId\":\"alice\",\"computeSpec\":{\"id\":\"cpu-1c2g\",\"vcpu\":1,\"memoryMib\":2048,"
                + "\"diskGib\":20,\"pricePerHourMinor\":50,\"currency\":\"CNY\"},\"image\":{\"imageRef\":\"python:3.11\"},"
                + "\"bindings\":[]}"));
        String execution = given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON)
                .body("{\"mode\":\"script\",\"entryCommand\":\"python train.py\",\"codeId\":\"" + id + "\"}")
                .post("/api/v1/gears/" + gearId + "/executions").then().statusCode(201)
                .body("codeId", equalTo(id)).extract().path("id");
        await().atMost(WAIT).until(() -> pod(execution) != null);
        assertThat(pod(execution).getSpec().getInitContainers().get(0).getVolumeMounts())
                .anyMatch(m -> "code".equals(m.getName()) && id.equals(m.getSubPath()));
        given().auth().oauth2(Tokens.alice()).post("/api/v1/executions/" + execution + "/stop").then().statusCode(200);

        given().auth().oauth2(Tokens.bob()).contentType(ContentType.JSON)
                .body("{\"mode\":\"script\",\"entryCommand\":\"python train.py\",\"codeId\":\"" + id + "\"}")
                .post("/api/v1/gears/" + gearId + "/executions").then().statusCode(400)
                .body("errors.field", hasItem("codeId"));

        // the id in another case names the same upload, and its files go with its row
        Path files = Path.of(config.codeRoot()).resolve(id);
        assertThat(files.resolve("train.py")).exists();
        given().auth().oauth2(Tokens.alice()).delete("/api/v1/code/" + id.toUpperCase(Locale.ROOT)).then()
                .statusCode(204);
        given().auth().oauth2(Tokens.alice()).get("/api/v1/code/" + id).then().statusCode(404);
        assertThat(files).doesNotExist();
    }

    @Test
    void anyPartNameIsAFilePartAsForDataUploads() {
        given().auth().oauth2(Tokens.alice()).contentType("multipart/form-data")
                .multiPart("file", "a.py", "A = 1\n".getBytes(StandardCharsets.UTF_8))
                .multiPart("other", "b.py", "B = 2\n".getBytes(StandardCharsets.UTF_8))
                .post("/api/v1/code").then().statusCode(201).body("files.path", hasItems("a.py", "b.py"));
    }

    @Test
    void anArchiveIsUnpackedAndAnEscapingOneRefused() throws Exception {
        given().auth().oauth2(Tokens.alice()).contentType("multipart/form-data")
                .multiPart("files", "code.zip", zip("src/main.py", "print(1)\n"), "application/zip")
                .post("/api/v1/code").then().statusCode(201).body("files.path", hasItem("src/main.py"));
        given().auth().oauth2(Tokens.alice()).contentType("multipart/form-data")
                .multiPart("files", "evil.zip", zip("../../etc/cron.d/x", "boom"), "application/zip")
                .post("/api/v1/code").then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void aBlockedUserCannotUpload() {
        ExecutionTestResource.dependencies.on("GET", "/internal/storage/admission/alice",
                r -> Answer.json("{\"quotaBytes\":10,\"usedBytes\":20,\"blocked\":true}"));
        given().auth().oauth2(Tokens.alice()).contentType("multipart/form-data")
                .multiPart("files", "train.py", "print('hi')\n".getBytes(StandardCharsets.UTF_8))
                .post("/api/v1/code").then().statusCode(403).body("type", equalTo("urn:hyperai:problem:storage-blocked"));
    }

    /** A code upload too big for what is left is refused before its body: not one byte of it is sent. */
    @Test
    void anUploadTooBigForTheQuotaIsRefusedBeforeItsBody() throws Exception {
        ExecutionTestResource.dependencies.on("GET", "/internal/storage/admission/alice",
                r -> Answer.json("{\"quotaBytes\":1000,\"usedBytes\":0,\"blocked\":false}"));
        try (RawUpload u = new RawUpload(RestAssured.port, "/api/v1/code", Tokens.alice(), "big.bin",
                new byte[2 * 1024 * 1024], true)) {
            String head = u.readHead();
            assertThat(RawUpload.status(head)).isEqualTo(409);
            assertThat(u.readBody(head)).contains("urn:hyperai:problem:quota-exceeded");
            assertThat(u.sent()).isZero();
        }
        try (RawUpload u = new RawUpload(RestAssured.port, "/api/v1/code", Tokens.alice(), "small.py",
                "print(1)\n".getBytes(StandardCharsets.UTF_8), true)) {
            assertThat(RawUpload.status(u.readHead())).isEqualTo(100);
            u.sendRest();
            assertThat(RawUpload.status(u.readHead())).isEqualTo(201);
        }
    }

    private static Pod pod(String id) {
        return ExecutionTestResource.kubernetes.client().pods().inNamespace(ExecutionTestResource.NAMESPACE)
                .withName(PodFactory.podName(id)).get();
    }
}
