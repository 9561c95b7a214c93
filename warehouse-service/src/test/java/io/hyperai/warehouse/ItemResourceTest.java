package io.hyperai.warehouse;

import static io.hyperai.warehouse.WarehouseFixtures.create;
import static io.hyperai.warehouse.WarehouseFixtures.newUser;
import static io.hyperai.warehouse.WarehouseFixtures.token;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import java.util.HashMap;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.hyperai.common.problem.ProblemException;
import io.hyperai.test.OpenApiOperations;
import io.hyperai.test.Tokens;
import io.hyperai.warehouse.service.ItemStore;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.vertx.RunOnVertxContext;
import io.quarkus.test.vertx.UniAsserter;
import io.restassured.http.ContentType;

@QuarkusTest
class ItemResourceTest {

    @Inject
    ItemStore store;

    @Test
    void datasetsAndModelsHaveTheSameTenOperations() {
        java.util.List<OpenApiOperations.Operation> ops = OpenApiOperations.read();
        java.util.function.Function<String, java.util.Set<String>> under = prefix -> ops.stream()
                .filter(o -> o.path().startsWith(prefix))
                .map(o -> o.method() + " " + o.path().substring(prefix.length()))
                .collect(java.util.stream.Collectors.toSet());
        // the baseline test checks that each refuses a caller without a token
        assertThat(under.apply("/api/v1/datasets")).hasSize(10).isEqualTo(under.apply("/api/v1/models"));
    }

    @Test
    void aNewUserHasNoDatasetsOrModels() {
        String user = token(newUser());
        given().auth().oauth2(user).get("/api/v1/datasets").then().statusCode(200)
                .body("items.size()", equalTo(0)).body("total", equalTo(0));
        given().auth().oauth2(user).get("/api/v1/models?size=5").then().statusCode(200)
                .body("items.size()", equalTo(0)).body("size", equalTo(5));
    }

    @Test
    void datasetsAndModelsAreCreatedListedPagedAndReadBack() {
        String user = token(newUser());
        String first = create(user, "datasets", "first");
        create(user, "datasets", "second");
        String model = create(user, "models", "only model");
        given().auth().oauth2(user).get("/api/v1/datasets/" + first).then().statusCode(200)
                .body("id", equalTo(first)).body("kind", equalTo("dataset")).body("name", equalTo("first"))
                .body("description", equalTo("made by a test")).body("createdAt", notNullValue());
        given().auth().oauth2(user).get("/api/v1/datasets?size=1&page=1").then().statusCode(200)
                .body("total", equalTo(2)).body("items.size()", equalTo(1)).body("items[0].name", equalTo("first"));
        given().auth().oauth2(user).get("/api/v1/models").then().statusCode(200)
                .body("total", equalTo(1)).body("items[0].id", equalTo(model)).body("items[0].kind", equalTo("model"));
        given().auth().oauth2(Tokens.bob()).get("/api/v1/datasets/" + first).then().statusCode(404);
        given().auth().oauth2(user).contentType(ContentType.JSON).body(Map.of("name", "no description"))
                .post("/api/v1/models").then().statusCode(201).body("description", equalTo(null));
    }

    @Test
    void badItemsAreProblemsNamingTheFieldAndCreateNothing() {
        String user = token(newUser());
        for (String name : new String[] { "", "   ", "x".repeat(201), "tab\tname", "bell\u0007", "nul\u0000" }) {
            given().auth().oauth2(user).contentType(ContentType.JSON).body(Map.of("name", name))
                    .post("/api/v1/datasets").then().statusCode(400).contentType("application/problem+json")
                    .body("errors.field", hasItem("name"));
        }
        Map<String, Object> body = new HashMap<>();
        body.put("name", null);
        given().auth().oauth2(user).contentType(ContentType.JSON).body(body).post("/api/v1/models").then()
                .statusCode(400).body("errors.field", hasItem("name"));
        given().auth().oauth2(user).contentType(ContentType.JSON)
                .body(Map.of("name", "ok", "description", "x".repeat(2001))).post("/api/v1/models").then()
                .statusCode(400).body("errors.field", hasItem("description"));
        given().auth().oauth2(user).contentType(ContentType.JSON).body("{\"name\":").post("/api/v1/models").then()
                .statusCode(400);
        given().auth().oauth2(user).contentType(ContentType.JSON).body("{}").post("/api/v1/models").then()
                .statusCode(400).body("errors.field", hasItem("name"));
        given().auth().oauth2(user).get("/api/v1/datasets?size=0").then().statusCode(400);
        given().auth().oauth2(user).get("/api/v1/datasets?size=1000").then().statusCode(400);
        given().auth().oauth2(user).get("/api/v1/datasets").then().body("total", equalTo(0));
        given().auth().oauth2(user).get("/api/v1/models").then().body("total", equalTo(0));
        // a description may have line breaks
        given().auth().oauth2(user).contentType(ContentType.JSON)
                .body(Map.of("name", "multi-line", "description", "line 1\nline 2")).post("/api/v1/models").then()
                .statusCode(201);
    }

    @Test
    @RunOnVertxContext
    void theStoreAnswersNotFoundForAnotherOwner(UniAsserter asserter) {
        String owner = newUser();
        asserter.assertThat(() -> store.create(owner, owner, WarehouseItem.Kind.DATASET,
                new io.hyperai.warehouse.mapping.ItemRequest("mine", null, null, null)), item -> {
            assertThat(item.nextVersion).isEqualTo(1);
            asserter.putData("id", item.id.toString());
        });
        asserter.assertThat(() -> store.get(owner, WarehouseItem.Kind.DATASET, (String) asserter.getData("id")),
                item -> assertThat(item.name).isEqualTo("mine"));
        asserter.assertFailedWith(() -> store.get("someone-else", WarehouseItem.Kind.DATASET, (String) asserter.getData("id")),
                e -> assertThat(e).isInstanceOf(ProblemException.class)
                        .satisfies(p -> assertThat(((ProblemException) p).status()).isEqualTo(404)));
        asserter.assertFailedWith(() -> store.get(owner, WarehouseItem.Kind.MODEL, (String) asserter.getData("id")),
                ProblemException.class);
    }
}
