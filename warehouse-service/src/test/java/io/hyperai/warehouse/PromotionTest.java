package io.hyperai.warehouse;

import static io.hyperai.warehouse.WarehouseFixtures.*;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.hyperai.common.events.EventCodec;
import io.hyperai.common.events.payload.WarehouseVersionCreated;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * A saved working directory (as execution-service archives it) becomes the next version: its files byte for byte, an
 * event naming the output so execution-service drops what moved, and no storage reservation (the bytes move, they do
 * not add). What execution-service refuses is refused, and nothing is created.
 */
@QuarkusTest
class PromotionTest {

    @Test
    void aSavedDirectoryBecomesTheNextVersionAndItsEventNamesTheOutput() throws Exception {
        String user = newUser();
        String token = token(user);
        String model = create(token, "models", "resnet-checkpoint");
        String execution = UUID.randomUUID().toString();
        byte[] weights = random(5_000, 3);
        ExecutionStandInResource.output(execution, tar(true, Entry.file("final/model.pt", weights),
                Entry.file("final/config.json", "{\"layers\":50}")));
        int reservations = StorageStandIn.current().granted().size();

        given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("fromExecutionOutput", execution, "path", "checkpoints"))
                .post("/api/v1/models/" + model + "/versions").then().statusCode(201)
                .header("Location", org.hamcrest.Matchers.endsWith("/api/v1/models/" + model + "/versions/1"))
                .body("version", equalTo(1)).body("totalBytes", equalTo(5_013))
                .body("files.path", equalTo(List.of("final/config.json", "final/model.pt")));
        assertThat(given().auth().oauth2(token).get("/api/v1/models/" + model + "/versions/1/files/final/model.pt")
                .then().statusCode(200).extract().asByteArray()).isEqualTo(weights);
        WarehouseVersionCreated created = EventCodec.payload(UploadTest.events(model, 1).get(0),
                WarehouseVersionCreated.class);
        assertThat(created).isEqualTo(new WarehouseVersionCreated(model, "model", 1, user, 5_013, null, execution,
                "checkpoints"));
        assertThat(StorageStandIn.current().granted()).hasSize(reservations);

        // what execution-service refuses, and bad requests: nothing is created
        String gone = UUID.randomUUID().toString();
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("fromExecutionOutput", gone))
                .post("/api/v1/models/" + model + "/versions").then().statusCode(404);
        String busy = UUID.randomUUID().toString();
        ExecutionStandInResource.refuse(busy, 409);
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("fromExecutionOutput", busy))
                .post("/api/v1/models/" + model + "/versions").then().statusCode(409)
                .body("type", equalTo("urn:hyperai:problem:output-in-use"));
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("fromExecutionOutput", gone,
                "path", "no/such/dir")).post("/api/v1/models/" + model + "/versions").then().statusCode(400)
                .body("errors[0].field", equalTo("path"));
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("path", "x"))
                .post("/api/v1/models/" + model + "/versions").then().statusCode(400);
        given().auth().oauth2(token(newUser())).contentType(ContentType.JSON)
                .body(Map.of("fromExecutionOutput", execution)).post("/api/v1/models/" + model + "/versions").then()
                .statusCode(404);
        given().auth().oauth2(token).get("/api/v1/models/" + model + "/versions").then().statusCode(200)
                .body("total", equalTo(1));
    }
}
