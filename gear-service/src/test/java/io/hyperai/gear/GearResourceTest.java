package io.hyperai.gear;

import static io.hyperai.gear.support.GearApi.create;
import static io.hyperai.gear.support.GearApi.createOk;
import static io.hyperai.gear.support.GearApi.dataset;
import static io.hyperai.gear.support.GearApi.gear;
import static io.hyperai.gear.support.GearApi.list;
import static io.hyperai.gear.support.GearApi.model;
import static io.hyperai.gear.support.GearApi.output;
import static io.hyperai.gear.support.GearApi.traces;
import static io.hyperai.gear.support.GearApi.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.hyperai.gear.support.DependencyStubs;
import io.hyperai.gear.support.DependencyStubsResource;
import io.hyperai.test.Tokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
@QuarkusTestResource(value = DependencyStubsResource.class, restrictToAnnotatedClass = false)
class GearResourceTest {

    @BeforeEach
    void dependenciesUp() {
        DependencyStubs.reset();
        DependencyStubs.resetCircuits();
    }

    @Test
    void aliceCreatesReadsChangesAndDeletesHerGear() {
        DependencyStubs.version("dataset", "mnist", 3, "alice", 1_000);
        DependencyStubs.version("model", "resnet", 1, "alice", 2_000);
        DependencyStubs.output("exec-home-1", "alice", "g0", 500);
        String name = unique("resnet training");
        String id = createOk(Tokens.alice(), gear(name, "gpu-a100-1", "pytorch-2.4-gpu", list(
                dataset("/hyperai/input/input0", "mnist", 3),
                model("/hyperai/input/input4", "resnet", 1),
                output("/hyperai/home", "exec-home-1"))));

        given().auth().oauth2(Tokens.alice()).get("/api/v1/gears/" + id).then().statusCode(200)
                .body("name", equalTo(name))
                .body("computeSpecId", equalTo("gpu-a100-1"))
                .body("imageId", equalTo("pytorch-2.4-gpu"))
                .body("revision", equalTo(1))
                .body("bindings.mountPath", contains("/hyperai/input/input0", "/hyperai/input/input4", "/hyperai/home"))
                .body("bindings.readOnly", contains(true, true, false))
                .body("bindings[0].source.kind", equalTo("dataset"))
                .body("bindings[0].source.id", equalTo("mnist"))
                .body("bindings[0].source.version", equalTo(3))
                .body("bindings[2].source.executionId", equalTo("exec-home-1"))
                .body("bindings[0].storagePath", equalTo(null));

        given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON)
                .body(Map.of("name", "renamed " + name, "computeSpecId", "gpu-h100-8",
                        "bindings", list(dataset("/hyperai/input/input1", "mnist", 3))))
                .patch("/api/v1/gears/" + id).then().statusCode(200)
                .body("name", equalTo("renamed " + name))
                .body("computeSpecId", equalTo("gpu-h100-8"))
                .body("imageId", equalTo("pytorch-2.4-gpu"))
                .body("revision", equalTo(2))
                .body("bindings.mountPath", contains("/hyperai/input/input1"));

        given().auth().oauth2(Tokens.alice()).delete("/api/v1/gears/" + id).then().statusCode(204);
        given().auth().oauth2(Tokens.alice()).get("/api/v1/gears/" + id).then().statusCode(404)
                .contentType(startsWith("application/problem+json"));

        assertThat(DependencyStubs.WAREHOUSE.refusedTokens()).isEmpty();
        assertThat(DependencyStubs.STORAGE.subjects()).contains("service-account-gear-service");
        assertThat(DependencyStubs.WAREHOUSE.subjects()).containsOnly("service-account-gear-service");
        assertThat(DependencyStubs.EXECUTION.subjects()).containsOnly("service-account-gear-service");
    }

    @Test
    void aGearCarriesAnIdlePolicyForItsWorkspaces() {
        Map<String, Object> body = gear(unique("idle"));
        body.put("idlePolicy", Map.of("warnAfterSeconds", 1_800, "stopAfterSeconds", 3_600));
        String id = createOk(Tokens.alice(), body);
        given().auth().oauth2(Tokens.alice()).get("/api/v1/gears/" + id).then().statusCode(200)
                .body("idlePolicy.warnAfterSeconds", equalTo(1_800))
                .body("idlePolicy.stopAfterSeconds", equalTo(3_600));
        given().auth().oauth2(Tokens.service("execution-service")).get("/internal/gears/" + id).then().statusCode(200)
                .body("idlePolicy.warnAfterSeconds", equalTo(1_800))
                .body("idlePolicy.stopAfterSeconds", equalTo(3_600));

        // a warning after the stop, or a time under a minute, is refused and changes nothing
        given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON)
                .body(Map.of("idlePolicy", Map.of("warnAfterSeconds", 3_600, "stopAfterSeconds", 1_800)))
                .patch("/api/v1/gears/" + id).then().statusCode(400)
                .body("errors.field", hasItem("idlePolicy.warnAfterSeconds"));
        given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON)
                .body(Map.of("idlePolicy", Map.of("stopAfterSeconds", 30)))
                .patch("/api/v1/gears/" + id).then().statusCode(400);
        given().auth().oauth2(Tokens.alice()).get("/api/v1/gears/" + id).then().statusCode(200)
                .body("revision", equalTo(1)).body("idlePolicy.stopAfterSeconds", equalTo(3_600));

        // a stop alone, then none at all
        given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON)
                .body(Map.of("idlePolicy", Map.of("stopAfterSeconds", 7_200)))
                .patch("/api/v1/gears/" + id).then().statusCode(200).body("revision", equalTo(2))
                .body("idlePolicy.warnAfterSeconds", equalTo(null)).body("idlePolicy.stopAfterSeconds", equalTo(7_200));
        given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON).body(Map.of("idlePolicy", Map.of()))
                .patch("/api/v1/gears/" + id).then().statusCode(200).body("revision", equalTo(3))
                .body("idlePolicy", equalTo(null));
        given().auth().oauth2(Tokens.service("execution-service")).get("/internal/gears/" + id).then().statusCode(200)
                .body("idlePolicy", equalTo(null));
    }

    @Test
    void aUsersDefaultIdlePolicyStandsInForGearsWithoutOne() {
        String plain = createOk(Tokens.bob(), gear(unique("plain")));
        Map<String, Object> body = gear(unique("own"));
        body.put("idlePolicy", Map.of("stopAfterSeconds", 900));
        String own = createOk(Tokens.bob(), body);
        given().auth().oauth2(Tokens.bob()).get("/api/v1/gears/defaults").then().statusCode(200)
                .body("idlePolicy", equalTo(null));

        given().auth().oauth2(Tokens.bob()).contentType(ContentType.JSON)
                .body(Map.of("idlePolicy", Map.of("warnAfterSeconds", 600, "stopAfterSeconds", 1_200)))
                .put("/api/v1/gears/defaults").then().statusCode(200)
                .body("idlePolicy.warnAfterSeconds", equalTo(600));
        given().auth().oauth2(Tokens.service("execution-service")).get("/internal/gears/" + plain).then()
                .statusCode(200).body("idlePolicy.warnAfterSeconds", equalTo(600))
                .body("idlePolicy.stopAfterSeconds", equalTo(1_200));
        // the gear's own policy wins, and another user's defaults are not alice's
        given().auth().oauth2(Tokens.service("execution-service")).get("/internal/gears/" + own).then()
                .statusCode(200).body("idlePolicy.warnAfterSeconds", equalTo(null))
                .body("idlePolicy.stopAfterSeconds", equalTo(900));
        String alices = createOk(Tokens.alice(), gear(unique("alices")));
        given().auth().oauth2(Tokens.service("execution-service")).get("/internal/gears/" + alices).then()
                .statusCode(200).body("idlePolicy", equalTo(null));

        // refused when the warning is not before the stop; nothing changes
        given().auth().oauth2(Tokens.bob()).contentType(ContentType.JSON)
                .body(Map.of("idlePolicy", Map.of("warnAfterSeconds", 1_200, "stopAfterSeconds", 600)))
                .put("/api/v1/gears/defaults").then().statusCode(400)
                .body("errors.field", hasItem("idlePolicy.warnAfterSeconds"));
        given().auth().oauth2(Tokens.bob()).get("/api/v1/gears/defaults").then().statusCode(200)
                .body("idlePolicy.stopAfterSeconds", equalTo(1_200));

        given().auth().oauth2(Tokens.bob()).contentType(ContentType.JSON).body(Map.of())
                .put("/api/v1/gears/defaults").then().statusCode(200).body("idlePolicy", equalTo(null));
        given().auth().oauth2(Tokens.service("execution-service")).get("/internal/gears/" + plain).then()
                .statusCode(200).body("idlePolicy", equalTo(null));
    }

    @Test
    void anEmptyChangeChangesNothing() {
        String id = createOk(Tokens.alice(), gear(unique("steady")));
        given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON).body(Map.of())
                .patch("/api/v1/gears/" + id).then().statusCode(200).body("revision", equalTo(1));
    }

    @Test
    void theExecutionServiceSeesWhatToMount() {
        DependencyStubs.version("dataset", "coco", 2, "alice", 123_456);
        DependencyStubs.output("exec-prev", "alice", "g-prev", 789);
        String id = createOk(Tokens.alice(), gear(unique("mounts"), "gpu-rtx4090-1", "tensorflow-2.16-gpu", list(
                dataset("/hyperai/input/input2", "coco", 2),
                output("/hyperai/home", "exec-prev"))));

        given().auth().oauth2(Tokens.service("execution-service")).get("/internal/gears/" + id).then().statusCode(200)
                .body("id", equalTo(id))
                .body("ownerId", equalTo("alice"))
                .body("computeSpec.id", equalTo("gpu-rtx4090-1"))
                .body("computeSpec.gpuCount", equalTo(1))
                .body("computeSpec.nodeSelector.'hyperai.io/gpu-model'", equalTo("rtx-4090"))
                .body("image.imageRef", equalTo("hyperai/tensorflow:2.16-cuda12.3-py311"))
                .body("bindings[0].mountPath", equalTo("/hyperai/input/input2"))
                .body("bindings[0].readOnly", equalTo(true))
                .body("bindings[0].storagePath", equalTo(DependencyStubs.storagePath("dataset", "coco", 2)))
                .body("bindings[0].totalBytes", equalTo(123_456))
                .body("bindings[1].mountPath", equalTo("/hyperai/home"))
                .body("bindings[1].readOnly", equalTo(false))
                .body("bindings[1].workdirPath", equalTo(DependencyStubs.workdirPath("exec-prev")))
                .body("bindings[1].bytes", equalTo(789));

        given().auth().oauth2(Tokens.service("execution-service")).get("/internal/gears/no-such-gear").then()
                .statusCode(404);
        given().auth().oauth2(Tokens.alice()).get("/internal/gears/" + id).then().statusCode(403);
    }

    @Test
    void gearsArePagedNewestFirstAndOnlyTheCallers() {
        String prefix = unique("paged");
        for (int i = 0; i < 3; i++) {
            createOk(Tokens.bob(), gear(prefix + "-" + i));
        }
        String alices = createOk(Tokens.alice(), gear(unique("alices")));

        given().auth().oauth2(Tokens.bob()).queryParam("page", 0).queryParam("size", 2).get("/api/v1/gears").then()
                .statusCode(200)
                .body("items", hasSize(2))
                .body("page", equalTo(0))
                .body("size", equalTo(2))
                .body("items[0].name", equalTo(prefix + "-2"))
                .body("items[1].name", equalTo(prefix + "-1"));
        List<String> all = given().auth().oauth2(Tokens.bob()).queryParam("size", 100).get("/api/v1/gears").then()
                .statusCode(200).extract().path("items.id");
        assertThat(all).doesNotContain(alices);
        given().auth().oauth2(Tokens.bob()).queryParam("size", 101).get("/api/v1/gears").then().statusCode(400)
                .body("errors.field", hasItem("size"));
        given().auth().oauth2(Tokens.bob()).queryParam("page", -1).get("/api/v1/gears").then().statusCode(400)
                .body("errors.field", hasItem("page"));
    }

    @Test
    void bobCannotSeeChangeOrDeleteAlicesGear() {
        String id = createOk(Tokens.alice(), gear(unique("private")));

        given().auth().oauth2(Tokens.bob()).get("/api/v1/gears/" + id).then().statusCode(404)
                .body("type", equalTo("urn:hyperai:problem:not-found"));
        given().auth().oauth2(Tokens.bob()).contentType(ContentType.JSON).body(Map.of("name", "mine now"))
                .patch("/api/v1/gears/" + id).then().statusCode(404);
        given().auth().oauth2(Tokens.bob()).delete("/api/v1/gears/" + id).then().statusCode(404);
        given().auth().oauth2(Tokens.bob()).get("/api/v1/gears").then().statusCode(200)
                .body("items.id", not(hasItem(id)));

        given().auth().oauth2(Tokens.alice()).get("/api/v1/gears/" + id).then().statusCode(200)
                .body("name", not(equalTo("mine now")));
    }

    @Test
    void bobCannotBindAlicesDatasetAndLearnsNothingAboutIt() {
        DependencyStubs.version("dataset", "alices-data", 1, "alice", 10);
        String name = unique("borrowing");
        String foreign = create(Tokens.bob(), gear(name, "cpu-2c4g", "pytorch-2.4-cpu", list(
                dataset("/hyperai/input/input0", "not-there", 1),
                dataset("/hyperai/input/input1", "alices-data", 1)))).then().statusCode(400)
                .contentType(startsWith("application/problem+json"))
                .body("errors.field", contains("bindings[0].source.id", "bindings[1].source.id"))
                .extract().path("errors[1].message");
        String missing = create(Tokens.bob(), gear(name, "cpu-2c4g", "pytorch-2.4-cpu", list(
                dataset("/hyperai/input/input0", "not-there", 1)))).then().statusCode(400)
                .extract().path("errors[0].message");
        assertThat(foreign).isEqualTo(missing);
        assertThat(traces(name)).isZero();
    }

    @Test
    void bobCannotMountAlicesSavedOutput() {
        DependencyStubs.output("alices-run", "alice", "g1", 100);
        String name = unique("output-thief");
        create(Tokens.bob(), gear(name, "cpu-2c4g", "pytorch-2.4-cpu", list(output("/hyperai/home", "alices-run"))))
                .then().statusCode(400).body("errors.field", contains("bindings[0].source.executionId"));
        create(Tokens.bob(), gear(name, "cpu-2c4g", "pytorch-2.4-cpu", list(output("/hyperai/home", "never-ran"))))
                .then().statusCode(400).body("errors.field", contains("bindings[0].source.executionId"));
        assertThat(traces(name)).isZero();
    }

    @Test
    void aBlockedUserCannotCreateAGear() {
        DependencyStubs.blockStorage("bob");
        String name = unique("over-quota");
        create(Tokens.bob(), gear(name)).then().statusCode(403)
                .contentType(startsWith("application/problem+json"))
                .body("type", equalTo("urn:hyperai:problem:storage-blocked"));
        assertThat(traces(name)).isZero();
        createOk(Tokens.alice(), gear(unique("not-blocked")));
    }

    @Test
    void aChangeIsCheckedLikeACreation() {
        DependencyStubs.version("dataset", "d1", 1, "alice", 10);
        String id = createOk(Tokens.alice(), gear(unique("patched"), "gpu-a100-1", "pytorch-2.4-gpu", List.of()));
        patch(id, Map.of("computeSpecId", "cpu-2c4g")).then().statusCode(400)
                .body("errors.field", contains("computeSpecId"));
        patch(id, Map.of("imageId", "no-such-image")).then().statusCode(400).body("errors.field", contains("imageId"));
        patch(id, Map.of("name", " ")).then().statusCode(400).body("errors.field", contains("name"));
        patch(id, Map.of("bindings", list(dataset("/hyperai/input/input0", "d1", 1), dataset("/hyperai/input/input0",
                "d1", 1)))).then().statusCode(400).body("errors.field", contains("bindings[1].mountPath"));
        patch(id, Map.of("bindings", list(dataset("/hyperai/input/input0", "d1", 2)))).then().statusCode(400)
                .body("errors.field", contains("bindings[0].source.id"));
        given().auth().oauth2(Tokens.alice()).get("/api/v1/gears/" + id).then().statusCode(200)
                .body("revision", equalTo(1)).body("computeSpecId", equalTo("gpu-a100-1"));
        patch(id, Map.of("bindings", list(dataset("/hyperai/input/input0", "d1", 1)))).then().statusCode(200)
                .body("revision", equalTo(2)).body("bindings[0].source.id", equalTo("d1"));
        patch(id, Map.of("bindings", List.of())).then().statusCode(200)
                .body("revision", equalTo(3)).body("bindings", hasSize(0));
    }

    @Test
    void aStorageCheckIsNotNeededToChangeAGear() {
        String id = createOk(Tokens.bob(), gear(unique("renamed-while-blocked")));
        DependencyStubs.blockStorage("bob");
        given().auth().oauth2(Tokens.bob()).contentType(ContentType.JSON).body(Map.of("name", "still mine"))
                .patch("/api/v1/gears/" + id).then().statusCode(200).body("id", notNullValue());
    }

    private static io.restassured.response.Response patch(String id, Object body) {
        return given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON).body(body)
                .patch("/api/v1/gears/" + id);
    }
}
