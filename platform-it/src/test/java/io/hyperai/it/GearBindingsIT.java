package io.hyperai.it;

import io.hyperai.test.PackagedServices;

import static io.hyperai.it.Api.PROBLEM;
import static io.hyperai.it.Api.datasetBinding;
import static io.hyperai.it.Api.gearTraces;
import static io.hyperai.it.Api.newUser;
import static io.hyperai.it.Api.random;
import static io.hyperai.it.Api.token;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.hyperai.infra.ServiceProcess;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * Issue 4 across the real services: gear-service resolves a binding's source through
 * warehouse-service's internal API (with its client-credentials token), refuses another user's
 * source naming the field, and answers 503 with Retry-After, creating nothing, while warehouse-service
 * is down.
 */
@ExtendWith(SharedServices.class)
class GearBindingsIT {

    private static final String INPUT0 = "/hyperai/input/input0";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static PackagedServices services;
    private static Api api;

    @BeforeAll
    static void start() {
        services = SharedServices.get();
        api = new Api(services);
    }

    @Test
    void aGearBindsItsOwnersDatasetVersionAndTheExecutionServiceSeesWhereItLives() {
        String alice = newUser("alice");
        String aliceToken = token(alice);
        String dataset = api.dataset(aliceToken, "mnist");
        api.upload(aliceToken, dataset, "train.bin", random(1_234, 7)).then().statusCode(201)
                .body("version", equalTo(1));
        JsonPath version = api.internalVersion(dataset, 1);

        String name = "train-" + alice;
        String id = api.createGear(aliceToken, name, List.of(datasetBinding(INPUT0, dataset, 1))).then()
                .statusCode(201).body("bindings[0].source.id", equalTo(dataset)).extract().path("id");
        JsonPath gear = api.internalGear(id);
        System.out.printf("gear: %s binds dataset %s v1 at %s; execution-service sees storagePath %s, %d bytes "
                + "(warehouse says %s, %d bytes)%n", id, dataset, gear.getString("bindings[0].mountPath"),
                gear.getString("bindings[0].storagePath"), gear.getLong("bindings[0].totalBytes"),
                version.getString("storagePath"), version.getLong("totalBytes"));
        assertThat(gear.getString("ownerId")).isEqualTo(alice);
        assertThat(gear.getString("bindings[0].mountPath")).isEqualTo(INPUT0);
        assertThat(gear.getBoolean("bindings[0].readOnly")).isTrue();
        assertThat(gear.getString("bindings[0].storagePath")).isEqualTo(version.getString("storagePath"))
                .isEqualTo("datasets/" + dataset + "/v1");
        assertThat(gear.getLong("bindings[0].totalBytes")).isEqualTo(1_234);
    }

    @Test
    void bobCannotBindAlicesDatasetAndNothingIsCreated() {
        String alice = newUser("alice");
        String aliceToken = token(alice);
        String dataset = api.dataset(aliceToken, "private");
        api.upload(aliceToken, dataset, "secret.bin", random(100, 8)).then().statusCode(201);

        String bob = newUser("bob");
        String name = "borrowed-" + bob;
        Response refused = api.createGear(token(bob), name, List.of(datasetBinding(INPUT0, dataset, 1)));
        refused.then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("bindings[0].source.id"));
        // the same answer as for a version that does not exist: nothing tells bob alice's dataset is there
        Response missing = api.createGear(token(bob), name, List.of(datasetBinding(INPUT0, dataset, 2)));
        missing.then().statusCode(400).body("errors.field", hasItem("bindings[0].source.id"));
        assertThat(missing.jsonPath().getString("errors[0].message"))
                .isEqualTo(refused.jsonPath().getString("errors[0].message"));
        assertThat(gearTraces(name)).isZero();
        System.out.printf("gear: bob binding alice's dataset: %d %s, field %s: %s; gears and events left: %d%n",
                refused.statusCode(), refused.jsonPath().getString("type"),
                refused.jsonPath().getString("errors[0].field"), refused.jsonPath().getString("errors[0].message"),
                gearTraces(name));
    }

    /**
     * A public version is anyone's to bind, by handle or by id, and counts against its owner only; made private
     * again, it can no longer be bound.
     */
    @Test
    void anyoneBindsAPublicVersionByHandleWhichCountsAgainstItsOwnerOnly() {
        String alice = newUser("alice");
        String aliceToken = token(alice);
        String dataset = api.dataset(aliceToken, "cifar");
        api.upload(aliceToken, dataset, "labels.bin", random(2_000, 11)).then().statusCode(201);
        given().baseUri(services.url("warehouse")).auth().oauth2(aliceToken).contentType(ContentType.JSON)
                .body(Map.of("visibility", "public")).patch("/api/v1/datasets/" + dataset).then().statusCode(200);
        String handle = alice + "/cifar";

        String bob = newUser("bob");
        String bobToken = token(bob);
        Map<String, Object> byHandle = Map.of("mountPath", INPUT0, "source",
                Map.of("kind", "dataset", "handle", handle, "version", 1));
        String gear = api.createGear(bobToken, "public-" + bob, List.of(byHandle)).then().statusCode(201)
                .body("bindings[0].source.id", equalTo(dataset)).extract().path("id");
        api.createGear(bobToken, "public-by-id-" + bob, List.of(datasetBinding(INPUT0, dataset, 1))).then()
                .statusCode(201);
        assertThat(api.internalGear(gear).getString("bindings[0].storagePath")).isEqualTo("datasets/" + dataset + "/v1");
        given().baseUri(services.url("gear")).auth().oauth2(bobToken).get("/api/v1/gears/" + gear).then()
                .statusCode(200).body("bindings[0].broken", equalTo(false));
        await().atMost(WAIT).until(() -> api.used(aliceToken) == 2_000);
        assertThat(api.used(bobToken)).isZero();

        given().baseUri(services.url("warehouse")).auth().oauth2(aliceToken).contentType(ContentType.JSON)
                .body(Map.of("visibility", "private")).patch("/api/v1/datasets/" + dataset).then().statusCode(200);
        // the gear made while it was public says so, and does not start
        given().baseUri(services.url("gear")).auth().oauth2(bobToken).get("/api/v1/gears/" + gear).then()
                .statusCode(200).body("bindings[0].broken", equalTo(true))
                .body("bindings[0].brokenReason", equalTo("the dataset is no longer public"));
        given().baseUri(services.url("execution")).auth().oauth2(bobToken).contentType(ContentType.JSON)
                .body(Map.of("mode", "script", "entryCommand", "ls /hyperai/input/input0"))
                .post("/api/v1/gears/" + gear + "/executions").then().statusCode(409)
                .body("type", equalTo(PROBLEM + "binding-broken")).body("errors[0].field", equalTo("bindings[0]"));
        api.createGear(bobToken, "private-again-" + bob, List.of(byHandle)).then().statusCode(400)
                .body("errors.field", hasItem("bindings[0].source.handle"));
        api.createGear(bobToken, "private-again-by-id-" + bob, List.of(datasetBinding(INPUT0, dataset, 1))).then()
                .statusCode(400).body("errors.field", hasItem("bindings[0].source.id"));
        System.out.printf("public binding: bob bound %s v1 by handle and by id; alice's usage %d, bob's %d; private"
                + " again, refused%n", handle, api.used(aliceToken), api.used(bobToken));
    }

    @Test
    void withWarehouseDownGearCreationIs503WithRetryAfterAndCreatesNothing() {
        String alice = newUser("alice");
        String aliceToken = token(alice);
        String dataset = api.dataset(aliceToken, "while-down");
        api.upload(aliceToken, dataset, "x.bin", random(300, 9)).then().statusCode(201);

        ServiceProcess warehouse = services.get("warehouse");
        String name = "down-" + alice;
        Response refused;
        long answeredMs;
        long recoveredMs;
        warehouse.kill();
        try {
            long t0 = System.nanoTime();
            refused = api.createGear(aliceToken, name, List.of(datasetBinding(INPUT0, dataset, 1)));
            answeredMs = (System.nanoTime() - t0) / 1_000_000;
            refused.then().statusCode(503).contentType("application/problem+json")
                    .body("type", equalTo(PROBLEM + "dependency-unavailable"));
            assertThat(refused.header("Retry-After")).isNotBlank();
            assertThat(gearTraces(name)).isZero();
        } finally {
            warehouse.restart(Duration.ofSeconds(180));
        }
        // back up: the same request succeeds once gear-service's circuit lets calls through again
        long t1 = System.nanoTime();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> api.createGear(aliceToken, name, List.of(datasetBinding(INPUT0, dataset, 1)))
                        .statusCode() == 201);
        recoveredMs = (System.nanoTime() - t1) / 1_000_000;
        assertThat(Api.number("gear", "SELECT count(*) FROM gear WHERE name = ?", name)).isEqualTo(1);
        System.out.printf("gear: warehouse killed: creation answered %d (%s, Retry-After %s) in %d ms, gears left %d; "
                + "after restart created again within %d ms%n", refused.statusCode(),
                refused.jsonPath().getString("type"), refused.header("Retry-After"), answeredMs, 0, recoveredMs);
    }
}
