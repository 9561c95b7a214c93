package io.hyperai.gear;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.isA;

import org.junit.jupiter.api.Test;

import io.hyperai.test.Tokens;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class CatalogueResourceTest {

    @Test
    void anyUserSeesTheSeededSpecsWithIntegerPrices() {
        given().auth().oauth2(Tokens.bob()).get("/api/v1/compute-specs").then().statusCode(200)
                .body("id", hasItems("cpu-2c4g", "gpu-rtx4090-1", "gpu-a100-1", "gpu-h100-8"))
                .body("pricePerHourMinor", everyItem(isA(Integer.class)))
                .body("find { it.id == 'gpu-h100-8' }.gpuCount", org.hamcrest.Matchers.equalTo(8))
                .body("find { it.id == 'gpu-a100-1' }.nodeSelector.'hyperai.io/gpu-model'",
                        org.hamcrest.Matchers.equalTo("a100-80g"))
                .body("size()", greaterThan(5));
    }

    @Test
    void anyUserSeesTheSeededImages() {
        given().auth().oauth2(Tokens.alice()).get("/api/v1/images").then().statusCode(200)
                .body("framework", hasItems("PyTorch", "TensorFlow", "MXNet", "Darknet"))
                .body("build", hasItems("CPU", "GPU"));
    }

    @Test
    void servicesSeeTheWholeCatalogue() {
        given().auth().oauth2(Tokens.service("billing-service")).get("/internal/compute-specs").then().statusCode(200)
                .body("id", hasItems("cpu-1c2g", "gpu-h100-8"));
    }
}
