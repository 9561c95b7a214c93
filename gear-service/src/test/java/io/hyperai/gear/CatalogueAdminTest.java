package io.hyperai.gear;

import static io.hyperai.gear.support.GearApi.create;
import static io.hyperai.gear.support.GearApi.createOk;
import static io.hyperai.gear.support.GearApi.gear;
import static io.hyperai.gear.support.GearApi.unique;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.hyperai.gear.support.DependencyStubs;
import io.hyperai.test.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** Admins add, change and retire catalogue items; a retired item stays valid where it is used. */
@QuarkusTest
class CatalogueAdminTest {

    @BeforeEach
    void dependenciesUp() {
        DependencyStubs.reset();
        DependencyStubs.resetCircuits();
    }

    @Test
    void adminsAddAndChangeComputeSpecs() {
        String id = unique("gpu-l40s");
        Map<String, Object> spec = spec(id, "GPU", 2, "L40S");
        post(Tokens.alice(), "/api/v1/compute-specs", spec).then().statusCode(403);
        post(Tokens.admin(), "/api/v1/compute-specs", spec).then().statusCode(201)
                .body("id", equalTo(id)).body("gpuCount", equalTo(2)).body("retired", equalTo(false))
                .body("nodeSelector.'hyperai.io/gpu-model'", equalTo("l40s"));
        post(Tokens.admin(), "/api/v1/compute-specs", spec).then().statusCode(409);

        given().auth().oauth2(Tokens.bob()).get("/api/v1/compute-specs").then().statusCode(200).body("id", hasItem(id));
        given().auth().oauth2(Tokens.service("billing-service")).get("/internal/compute-specs").then()
                .body("find { it.id == '" + id + "' }.pricePerHourMinor", equalTo(990));

        patch(Tokens.bob(), "/api/v1/compute-specs/" + id, Map.of("pricePerHourMinor", 1)).then().statusCode(403);
        patch(Tokens.admin(), "/api/v1/compute-specs/" + id, Map.of("pricePerHourMinor", 1100)).then().statusCode(200)
                .body("pricePerHourMinor", equalTo(1100)).body("gpuModel", equalTo("L40S"));
        patch(Tokens.admin(), "/api/v1/compute-specs/" + id, Map.of("gpuCount", 0)).then().statusCode(400)
                .body("errors.field", contains("gpuCount"));
        patch(Tokens.admin(), "/api/v1/compute-specs/no-such-spec", Map.of("vcpu", 2)).then().statusCode(404);
        given().auth().oauth2(Tokens.bob()).get("/api/v1/compute-specs/" + id).then().statusCode(200)
                .body("pricePerHourMinor", equalTo(1100));
    }

    @Test
    void badSpecsAreRefusedNamingTheField() {
        post(Tokens.admin(), "/api/v1/compute-specs", spec(unique("gpu-none"), "GPU", 0, "A100")).then()
                .statusCode(400).body("errors.field", contains("gpuCount"));
        post(Tokens.admin(), "/api/v1/compute-specs", spec(unique("cpu-gpu"), "CPU", 1, "A100")).then()
                .statusCode(400).body("errors.field", contains("gpuCount"));
        post(Tokens.admin(), "/api/v1/compute-specs", spec("Not An Id", "CPU", 0, null)).then()
                .statusCode(400).body("errors.field", contains("id"));
        post(Tokens.admin(), "/api/v1/compute-specs", spec(unique("tpu"), "TPU", 0, null)).then()
                .statusCode(400).body("errors.field", contains("kind"));
        Map<String, Object> negative = spec(unique("cpu-neg"), "CPU", 0, null);
        negative.put("pricePerHourMinor", -1);
        post(Tokens.admin(), "/api/v1/compute-specs", negative).then().statusCode(400)
                .body("errors.field", contains("pricePerHourMinor"));
    }

    @Test
    void adminsAddAndChangeImages() {
        String id = unique("jax-0.4-gpu");
        Map<String, Object> image = Map.of("id", id, "framework", "JAX", "version", id, "build", "GPU",
                "imageRef", "hyperai/jax:" + id);
        post(Tokens.bob(), "/api/v1/images", image).then().statusCode(403);
        post(Tokens.admin(), "/api/v1/images", image).then().statusCode(201).body("build", equalTo("GPU"));
        post(Tokens.admin(), "/api/v1/images", Map.of("id", unique("other"), "framework", "JAX", "version", id,
                "build", "GPU", "imageRef", "hyperai/jax:again")).then().statusCode(409);
        post(Tokens.admin(), "/api/v1/images", Map.of("id", unique("bad"), "framework", "JAX", "version", "1",
                "build", "FPGA", "imageRef", "x")).then().statusCode(400).body("errors.field", contains("build"));
        patch(Tokens.admin(), "/api/v1/images/" + id, Map.of("imageRef", "hyperai/jax:" + id + "-r2")).then()
                .statusCode(200).body("imageRef", equalTo("hyperai/jax:" + id + "-r2"));
        patch(Tokens.admin(), "/api/v1/images/" + id, Map.of("imageRef", "has spaces")).then().statusCode(400)
                .body("errors.field", contains("imageRef"));
        // a one-field change read from text/plain once replaced the image reference with the raw text
        given().auth().oauth2(Tokens.admin()).contentType(ContentType.TEXT).body("hello")
                .patch("/api/v1/images/" + id).then().statusCode(415).contentType("application/problem+json");
        given().auth().oauth2(Tokens.admin()).get("/api/v1/images/" + id).then()
                .body("imageRef", equalTo("hyperai/jax:" + id + "-r2"));
        given().auth().oauth2(Tokens.alice()).get("/api/v1/images").then().body("id", hasItem(id));
    }

    @Test
    void aRetiredItemCannotBeChosenButKeepsWorkingWhereItIsUsed() {
        String specId = unique("cpu-old");
        String imageId = unique("mxnet-old-cpu");
        post(Tokens.admin(), "/api/v1/compute-specs", spec(specId, "CPU", 0, null)).then().statusCode(201);
        post(Tokens.admin(), "/api/v1/images", Map.of("id", imageId, "framework", "MXNet", "version", imageId,
                "build", "CPU", "imageRef", "hyperai/mxnet:" + imageId)).then().statusCode(201);
        String gearId = createOk(Tokens.alice(), gear(unique("legacy"), specId, imageId, List.of()));
        String other = createOk(Tokens.alice(), gear(unique("modern")));

        post(Tokens.alice(), "/api/v1/compute-specs/" + specId + "/retire", Map.of()).then().statusCode(403);
        post(Tokens.admin(), "/api/v1/compute-specs/" + specId + "/retire", Map.of()).then().statusCode(200)
                .body("retired", equalTo(true));
        post(Tokens.admin(), "/api/v1/images/" + imageId + "/retire", Map.of()).then().statusCode(200)
                .body("retired", equalTo(true));
        post(Tokens.admin(), "/api/v1/images/" + imageId + "/retire", Map.of()).then().statusCode(200);
        post(Tokens.admin(), "/api/v1/images/no-such-image/retire", Map.of()).then().statusCode(404);

        given().auth().oauth2(Tokens.alice()).get("/api/v1/compute-specs").then().body("id", not(hasItem(specId)));
        given().auth().oauth2(Tokens.alice()).queryParam("includeRetired", true).get("/api/v1/compute-specs").then()
                .body("find { it.id == '" + specId + "' }.retired", equalTo(true));
        given().auth().oauth2(Tokens.alice()).get("/api/v1/images").then().body("id", not(hasItem(imageId)));
        given().auth().oauth2(Tokens.service("billing-service")).get("/internal/compute-specs").then()
                .body("id", hasItem(specId));

        create(Tokens.alice(), gear(unique("new"), specId, "pytorch-2.4-cpu", List.of())).then().statusCode(400)
                .body("errors.field", contains("computeSpecId"));
        create(Tokens.alice(), gear(unique("new"), "cpu-2c4g", imageId, List.of())).then().statusCode(400)
                .body("errors.field", contains("imageId"));
        patch(Tokens.alice(), "/api/v1/gears/" + other, Map.of("computeSpecId", specId)).then().statusCode(400)
                .body("errors.field", contains("computeSpecId"));

        given().auth().oauth2(Tokens.alice()).get("/api/v1/gears/" + gearId).then().statusCode(200)
                .body("computeSpecId", equalTo(specId));
        patch(Tokens.alice(), "/api/v1/gears/" + gearId, Map.of("name", "legacy renamed", "computeSpecId", specId))
                .then().statusCode(200).body("computeSpecId", equalTo(specId)).body("imageId", equalTo(imageId));
        given().auth().oauth2(Tokens.service("execution-service")).get("/internal/gears/" + gearId).then()
                .statusCode(200).body("computeSpec.retired", equalTo(true)).body("image.retired", equalTo(true));
        patch(Tokens.alice(), "/api/v1/gears/" + gearId, Map.of("computeSpecId", "cpu-4c16g")).then().statusCode(200);
        patch(Tokens.alice(), "/api/v1/gears/" + gearId, Map.of("computeSpecId", specId)).then().statusCode(400);
    }

    private static Map<String, Object> spec(String id, String kind, int gpus, String gpuModel) {
        Map<String, Object> spec = new HashMap<>();
        spec.put("id", id);
        spec.put("kind", kind);
        spec.put("vcpu", 8);
        spec.put("memoryMib", 32768);
        spec.put("diskGib", 100);
        spec.put("gpuCount", gpus);
        spec.put("gpuModel", gpuModel);
        spec.put("pricePerHourMinor", 990);
        spec.put("currency", "CNY");
        spec.put("nodeSelector", gpuModel == null ? Map.of() : Map.of("hyperai.io/gpu-model", gpuModel.toLowerCase()));
        return spec;
    }

    private static Response post(String token, String path, Object body) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).body(body).post(path);
    }

    private static Response patch(String token, String path, Object body) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).body(body).patch(path);
    }
}
