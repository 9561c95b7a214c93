package io.hyperai.execution;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.hyperai.common.events.payload.StoredBytes;
import io.hyperai.test.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * A saved working directory is listed, downloaded file by file and whole, and deleted by its owner alone: deletion
 * waits for the executions that use it and gives exactly its measured bytes back.
 */
@QuarkusTest
class OutputsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @BeforeEach
    void admitEverything() {
        ExecutionTestResource.admitEverything();
    }

    @Test
    void aSavedWorkingDirectoryIsListedDownloadedAndDeletedByItsOwnerOnly() throws Exception {
        String alice = Tokens.alice();
        String id = SavedOutputs.ended(alice, "alice");
        String output = "/api/v1/executions/" + id + "/output";
        given().auth().oauth2(alice).get(output).then().statusCode(404);

        // what the save pod copies: two files, and a link user code left that must never be followed
        Path saved = SavedOutputs.directory(id);
        byte[] weights = new byte[3_000];
        weights[7] = 42;
        Files.createDirectories(saved.resolve("checkpoints"));
        Files.writeString(saved.resolve("notes.txt"), "hello\n");
        Files.write(saved.resolve("checkpoints/last.pt"), weights);
        Files.createSymbolicLink(saved.resolve("passwd"), Path.of("/etc/passwd"));
        SavedOutputs.finishSave(id);
        StoredBytes measured = event(id, "execution.output.saved");
        // what storage-service and billing-service are told
        given().auth().oauth2(Tokens.service("storage-service")).contentType(ContentType.JSON)
                .body(Map.of("ownerIds", List.of(measured.ownerId()))).post("/internal/executions/stored").then()
                .statusCode(200).body("objects.findAll { it.objectId == '" + id + "' }.kind",
                        equalTo(List.of("WORKING_DIRECTORY")))
                .body("objects.findAll { it.objectId == '" + id + "' }.bytes", equalTo(List.of((int) measured.bytes())));
        given().auth().oauth2(Tokens.service("billing-service")).contentType(ContentType.JSON)
                .body(Map.of("executionIds", List.of(id, "not-an-execution"))).post("/internal/executions/ended").then()
                .statusCode(200).body("ended.executionId", equalTo(List.of(id)))
                .body("ended[0].state", equalTo("SUCCEEDED")).body("unknown", equalTo(List.of("not-an-execution")));

        given().auth().oauth2(alice).get(output).then().statusCode(200).body("total", equalTo(2))
                .body("items.path", equalTo(List.of("checkpoints/last.pt", "notes.txt")))
                .body("items.sizeBytes", equalTo(List.of(3_000, 6)));
        given().auth().oauth2(alice).queryParam("size", 1).queryParam("page", 1).get(output).then().statusCode(200)
                .body("items.path", equalTo(List.of("notes.txt"))).body("total", equalTo(2));
        assertThat(given().auth().oauth2(alice).get(output + "/files/checkpoints/last.pt").then().statusCode(200)
                .extract().asByteArray()).isEqualTo(weights);
        for (String escape : List.of("passwd", "../" + id + "/notes.txt/..", "..%2F..%2Fetc%2Fpasswd", "nothing")) {
            given().auth().oauth2(alice).urlEncodingEnabled(false).get(output + "/files/" + escape).then()
                    .statusCode(404);
        }
        assertThat(entries(given().auth().oauth2(alice).get(output + "/archive").then().statusCode(200)
                .contentType("application/gzip").extract().asByteArray()))
                .containsOnlyKeys("checkpoints/last.pt", "notes.txt")
                .containsEntry("notes.txt", "hello\n".getBytes(StandardCharsets.UTF_8))
                .containsEntry("checkpoints/last.pt", weights);

        // another user: as if there were nothing
        for (String path : List.of(output, output + "/files/notes.txt", output + "/archive")) {
            given().auth().oauth2(Tokens.bob()).get(path).then().statusCode(404);
        }
        given().auth().oauth2(Tokens.bob()).delete(output).then().statusCode(404);

        // in use by a queued or running continuation: refused, nothing changes
        String next = given().auth().oauth2(alice).contentType(ContentType.JSON).body("{}")
                .post("/api/v1/executions/" + id + "/continue").then().statusCode(201).extract().path("id");
        given().auth().oauth2(alice).delete(output).then().statusCode(409)
                .body("type", equalTo("urn:hyperai:problem:output-in-use"));
        given().auth().oauth2(alice).post("/api/v1/executions/" + next + "/stop").then().statusCode(200);
        await().atMost(WAIT).until(() -> List.of("STOPPED", "SUCCEEDED", "FAILED").contains(field(alice, next, "state")));

        given().auth().oauth2(alice).delete(output).then().statusCode(204);
        assertThat(event(id, "execution.workdir.deleted")).isEqualTo(measured);
        assertThat(saved).doesNotExist();
        given().auth().oauth2(alice).get(output).then().statusCode(404);
        given().auth().oauth2(alice).delete(output).then().statusCode(404);
        given().auth().oauth2(Tokens.service("gear-service")).get("/internal/executions/" + id + "/output").then()
                .statusCode(404);
        given().auth().oauth2(Tokens.service("storage-service")).contentType(ContentType.JSON)
                .body(Map.of("ownerIds", List.of(measured.ownerId()))).post("/internal/executions/stored").then()
                .statusCode(200).body("objects.objectId", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem(id)));
    }

    private static StoredBytes event(String id, String type) {
        return SavedOutputs.events(id, type, 1).get(0);
    }

    private static Map<String, byte[]> entries(byte[] tarGz) throws Exception {
        return SavedOutputs.entries(tarGz);
    }

    private static String field(String token, String id, String name) {
        return SavedOutputs.field(token, id, name);
    }
}
