package io.hyperai.execution;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.hyperai.common.events.EventCodec;
import io.hyperai.common.events.EventEnvelope;
import io.hyperai.common.events.EventType;
import io.hyperai.common.events.Topics;
import io.hyperai.common.events.payload.StoredBytes;
import io.hyperai.common.events.payload.WarehouseVersionCreated;
import io.hyperai.test.KafkaProbe;
import io.hyperai.test.Tokens;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A saved working directory promoted to a warehouse version: warehouse-service fetches it (or one directory in it) as
 * an archive, for the owner only; once the version's event says it was created, what moved leaves the directory and
 * the bytes left are announced, so storage counts them once. A redelivered event changes nothing.
 */
@QuarkusTest
class PromotionTest {

    @Inject
    MeterRegistry registry;

    @BeforeEach
    void admitEverything() {
        ExecutionTestResource.admitEverything();
    }

    @Test
    void whatIsPromotedLeavesTheSavedDirectoryOnceTheVersionExists() throws Exception {
        String alice = Tokens.alice();
        String id = SavedOutputs.ended(alice, "alice");
        Path saved = SavedOutputs.directory(id);
        byte[] weights = new byte[3_000];
        weights[9] = 7;
        Files.createDirectories(saved.resolve("checkpoints/final"));
        Files.write(saved.resolve("checkpoints/final/model.pt"), weights);
        Files.writeString(saved.resolve("notes.txt"), "hello\n");
        Files.createSymbolicLink(saved.resolve("etc"), Path.of("/etc"));
        SavedOutputs.finishSave(id);
        StoredBytes measured = SavedOutputs.events(id, "execution.output.saved", 1).get(0);
        String owner = measured.ownerId();
        String archive = "/internal/executions/" + id + "/output/archive";
        String warehouse = Tokens.service("warehouse-service");

        // for the owner only, a directory in it only, links never followed; users cannot call it at all
        assertThat(SavedOutputs.entries(given().auth().oauth2(warehouse).queryParam("owner", owner)
                .queryParam("path", "checkpoints").get(archive).then().statusCode(200).extract().asByteArray()))
                .containsOnlyKeys("final/model.pt").containsEntry("final/model.pt", weights);
        assertThat(SavedOutputs.entries(given().auth().oauth2(warehouse).queryParam("owner", owner).get(archive)
                .then().statusCode(200).extract().asByteArray())).containsOnlyKeys("checkpoints/final/model.pt",
                        "notes.txt");
        given().auth().oauth2(warehouse).queryParam("owner", "someone-else").get(archive).then().statusCode(404);
        for (String path : new String[] { "notes.txt", "nothing", "../" + id, "etc", "/etc" }) {
            given().auth().oauth2(warehouse).queryParam("owner", owner).queryParam("path", path).get(archive).then()
                    .statusCode(404);
        }
        given().auth().oauth2(warehouse).get(archive).then().statusCode(400);
        given().auth().oauth2(alice).queryParam("owner", owner).get(archive).then().statusCode(403);

        // the version of checkpoints/ exists: it leaves, and the rest is measured again
        EventEnvelope part = created(id, owner, "checkpoints");
        KafkaProbe.shared().send(Topics.WAREHOUSE, part.subject(), EventCodec.write(part), Map.of());
        StoredBytes rest = SavedOutputs.events(id, "execution.output.saved", 2).get(1);
        assertThat(rest).isEqualTo(new StoredBytes(id, owner, measured.bytes() - 3_000));
        assertThat(saved.resolve("checkpoints")).doesNotExist();
        assertThat(saved.resolve("notes.txt")).exists();

        // then all of it, delivered three times: deleted once, with what was left
        EventEnvelope all = created(id, owner, null);
        for (int i = 0; i < 3; i++) {
            KafkaProbe.shared().send(Topics.WAREHOUSE, all.subject(), EventCodec.write(all), Map.of());
        }
        assertThat(SavedOutputs.events(id, "execution.workdir.deleted", 1)).containsExactly(rest);
        await().atMost(SavedOutputs.WAIT).until(() -> !Files.exists(saved));
        await().atMost(SavedOutputs.WAIT).until(() -> registry.counter("hyperai_events_consumed", "consumer",
                "execution-promotions", "type", "warehouse.version.created", "outcome", "duplicate").count() >= 2);
        assertThat(SavedOutputs.events(id, "execution.workdir.deleted", 1)).hasSize(1);
        assertThat(SavedOutputs.events(id, "execution.output.saved", 2)).hasSize(2);
        given().auth().oauth2(alice).get("/api/v1/executions/" + id + "/output").then().statusCode(404);
        given().auth().oauth2(warehouse).queryParam("owner", owner).get(archive).then().statusCode(404);
    }

    private static EventEnvelope created(String executionId, String owner, String path) {
        String item = UUID.randomUUID().toString();
        return EventCodec.envelope("/warehouse-service", EventType.WAREHOUSE_VERSION_CREATED, item,
                new WarehouseVersionCreated(item, "model", 1, owner, 3_000, null, executionId, path));
    }
}
