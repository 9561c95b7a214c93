package io.hyperai.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * A directory of a script's saved working directory promoted to a model version on the running platform: the model
 * has its files byte for byte, the directory left the output, and storage counts the bytes once (the model gains
 * what the working directories lose; the total does not move).
 */
@ExtendWith(E2e.class)
class PromoteOutputIT {

    @Test
    void aPromotedDirectoryMovesIntoTheVersionAndCountsOnce() {
        E2e.assumeLocalRuntime();
        Api api = Api.get();
        String user = api.newUser("promote", 500);
        String gear = api.gear(user, "promote", "cpu-1c2g", List.of());
        String run = api.script(user, gear, "mkdir -p ckpt/final && head -c 6000 /dev/urandom > ckpt/final/w.bin"
                + " && echo notes > notes.txt");
        assertThat(api.awaitState(user, run, "SUCCEEDED", "FAILED").getString("state"))
                .as("logs: %s", api.logs(user, run)).isEqualTo("SUCCEEDED");
        long saved = api.savedBytes(run);
        await().atMost(Api.WAIT).until(() -> api.storage(user).getLong("usedByKind.WORKING_DIRECTORY") == saved);
        byte[] weights = api.as(user, "execution").get("/api/v1/executions/" + run + "/output/files/ckpt/final/w.bin")
                .then().statusCode(200).extract().asByteArray();
        assertThat(weights).hasSize(6000);

        String model = api.item(user, "models", "promoted");
        api.as(user, "warehouse").contentType(ContentType.JSON)
                .body(Map.of("fromExecutionOutput", run, "path", "ckpt"))
                .post("/api/v1/models/" + model + "/versions").then().statusCode(201)
                .body("totalBytes", equalTo(6000)).body("files.path", equalTo(List.of("final/w.bin")));
        assertThat(api.as(user, "warehouse").get("/api/v1/models/" + model + "/versions/1/files/final/w.bin").then()
                .statusCode(200).extract().asByteArray()).isEqualTo(weights);

        // the directory leaves the output; the bytes count once, under the model
        await().atMost(Api.WAIT).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            JsonPath usage = api.storage(user);
            assertThat(usage.getLong("usedByKind.MODEL")).isEqualTo(6000);
            assertThat(usage.getLong("usedByKind.WORKING_DIRECTORY")).isEqualTo(saved - 6000);
            assertThat(usage.getLong("usedBytes")).isEqualTo(saved);
        });
        assertThat(api.as(user, "execution").get("/api/v1/executions/" + run + "/output").then().statusCode(200)
                .extract().jsonPath().getList("items.path")).containsExactly("notes.txt");
        System.out.printf("e2e promote: %d of %d saved bytes moved into a model version, counted once%n", 6000, saved);
    }
}
