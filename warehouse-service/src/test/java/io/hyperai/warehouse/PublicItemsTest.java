package io.hyperai.warehouse;

import static io.hyperai.warehouse.WarehouseFixtures.create;
import static io.hyperai.warehouse.WarehouseFixtures.newUser;
import static io.hyperai.warehouse.WarehouseFixtures.token;
import static io.hyperai.warehouse.WarehouseFixtures.upload;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.hyperai.test.Tokens;
import io.hyperai.warehouse.WarehouseFixtures.Part;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * An owner makes a dataset public: anyone lists, searches and reads it (by handle and by id, versions and files
 * included) but only the owner changes it; made private again, it is the owner's alone. Other services find a
 * public version by its handle.
 */
@QuarkusTest
class PublicItemsTest {

    @Test
    void aPublicDatasetIsListedReadAndFoundByHandleByAnyoneButChangedByItsOwnerOnly() {
        String owner = newUser();
        String alice = token(owner);
        String name = "cifar-" + owner.substring(5, 13);
        String id = create(alice, "datasets", name);
        byte[] labels = "airplane\nautomobile\n".getBytes(StandardCharsets.UTF_8);
        upload(alice, "datasets", id, new Part("labels.txt", labels)).then().statusCode(201);
        upload(alice, "datasets", id, new Part("labels.txt", labels), new Part("meta.json", "{}".getBytes()))
                .then().statusCode(201);
        String reader = Tokens.bob();
        String item = "/api/v1/datasets/" + id;
        given().auth().oauth2(reader).get(item).then().statusCode(404);

        given().auth().oauth2(alice).contentType(ContentType.JSON)
                .body(Map.of("visibility", "public", "tags", java.util.List.of("vision", "tiny")))
                .patch(item).then().statusCode(200).body("visibility", equalTo("public"))
                .body("handle", equalTo(owner + "/" + name)).body("tags", equalTo(java.util.List.of("vision", "tiny")));

        // anyone: listed and searched, by name and by tag
        JsonPath found = given().auth().oauth2(reader).queryParam("q", name.toUpperCase()).queryParam("tag", "vision")
                .get("/api/v1/public/datasets").then().statusCode(200).extract().jsonPath();
        assertThat(found.getList("items.id")).containsExactly(id);
        assertThat(found.getInt("items[0].versions")).isEqualTo(2);
        assertThat(found.getInt("items[0].latestVersion")).isEqualTo(2);
        assertThat(found.getLong("items[0].latestBytes")).isEqualTo(labels.length + 2);
        given().auth().oauth2(reader).queryParam("q", name).queryParam("tag", "audio").get("/api/v1/public/datasets")
                .then().statusCode(200).body("total", equalTo(0));
        given().auth().oauth2(reader).queryParam("q", name).get("/api/v1/public/models").then().statusCode(200)
                .body("total", equalTo(0));
        // read by handle and by id, versions and files too
        given().auth().oauth2(reader).get("/api/v1/public/datasets/" + owner + "/" + name).then().statusCode(200)
                .body("id", equalTo(id)).body("owner", equalTo(owner));
        given().auth().oauth2(reader).get(item).then().statusCode(200).body("handle", equalTo(owner + "/" + name));
        given().auth().oauth2(reader).get(item + "/versions").then().statusCode(200).body("total", equalTo(2));
        given().auth().oauth2(reader).get(item + "/versions/1").then().statusCode(200)
                .body("files.path", hasItem("labels.txt"));
        assertThat(given().auth().oauth2(reader).get(item + "/versions/1/files/labels.txt").then().statusCode(200)
                .extract().asByteArray()).isEqualTo(labels);
        // but it stays the owner's to change
        given().auth().oauth2(reader).contentType(ContentType.JSON).body(Map.of("visibility", "private"))
                .patch(item).then().statusCode(404);
        given().auth().oauth2(reader).delete(item + "/versions/1").then().statusCode(404);
        given().auth().oauth2(reader).delete(item).then().statusCode(404);
        upload(reader, "datasets", id, new Part("mine.txt", "m".getBytes())).then().statusCode(404);
        given().auth().oauth2(reader).get("/api/v1/datasets").then().statusCode(200)
                .body("items.id", not(hasItem(id)));

        // other services find a public version by its handle
        given().auth().oauth2(Tokens.service("gear-service"))
                .get("/internal/warehouse/datasets/handles/" + owner + "/" + name + "/versions/2").then()
                .statusCode(200).body("itemId", equalTo(id)).body("visibility", equalTo("public"))
                .body("ownerId", equalTo(owner));

        // private again: the owner's alone
        given().auth().oauth2(alice).contentType(ContentType.JSON).body(Map.of("visibility", "private"))
                .patch(item).then().statusCode(200).body("handle", equalTo(null));
        given().auth().oauth2(reader).get(item).then().statusCode(404);
        given().auth().oauth2(reader).get("/api/v1/public/datasets/" + owner + "/" + name).then().statusCode(404);
        given().auth().oauth2(Tokens.service("gear-service"))
                .get("/internal/warehouse/datasets/handles/" + owner + "/" + name + "/versions/2").then()
                .statusCode(404);
        given().auth().oauth2(Tokens.service("gear-service")).get("/internal/warehouse/datasets/" + id + "/versions/2")
                .then().statusCode(200).body("visibility", equalTo("private"));
    }

    @Test
    void aHandleIsUniqueAndMadeOfSafeCharacters() {
        String owner = newUser();
        String alice = token(owner);
        String first = create(alice, "models", "resnet-50");
        String second = create(alice, "models", "resnet-50");
        given().auth().oauth2(alice).contentType(ContentType.JSON).body(Map.of("visibility", "public"))
                .patch("/api/v1/models/" + first).then().statusCode(200);
        given().auth().oauth2(alice).contentType(ContentType.JSON).body(Map.of("visibility", "public"))
                .patch("/api/v1/models/" + second).then().statusCode(409)
                .body("type", equalTo("urn:hyperai:problem:handle-taken"));
        // a dataset may share the name: handles are per kind
        given().auth().oauth2(alice).contentType(ContentType.JSON)
                .body(Map.of("name", "resnet-50", "visibility", "public")).post("/api/v1/datasets").then()
                .statusCode(201).body("handle", equalTo(owner + "/resnet-50"));

        String spaced = create(alice, "models", "my model");
        given().auth().oauth2(alice).contentType(ContentType.JSON).body(Map.of("visibility", "public"))
                .patch("/api/v1/models/" + spaced).then().statusCode(400).body("errors[0].field", equalTo("name"));
        given().auth().oauth2(alice).contentType(ContentType.JSON).body(Map.of("visibility", "everyone"))
                .patch("/api/v1/models/" + spaced).then().statusCode(400);
        given().auth().oauth2(alice).contentType(ContentType.JSON).body(Map.of("tags", java.util.List.of("Bad Tag")))
                .patch("/api/v1/models/" + spaced).then().statusCode(400);
        given().auth().oauth2(alice).get("/api/v1/models/" + spaced).then().statusCode(200)
                .body("visibility", equalTo("private")).body("tags", equalTo(java.util.List.of()));
    }
}
