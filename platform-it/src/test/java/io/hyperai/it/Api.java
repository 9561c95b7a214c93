package io.hyperai.it;

import io.hyperai.test.PackagedServices;

import static io.restassured.RestAssured.given;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import io.hyperai.test.SharedInfrastructure;
import io.hyperai.test.Sql;
import io.hyperai.test.Tokens;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/** Calls on the running services' public and internal APIs, and reads of their databases, for the ITs. */
final class Api {

    static final String PROBLEM = "urn:hyperai:problem:";

    private final PackagedServices services;

    Api(PackagedServices services) {
        this.services = services;
    }

    /** A user id no other test uses. */
    static String newUser(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    static String token(String user) {
        return Tokens.provider().token(user, "user");
    }

    static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    // --- warehouse -------------------------------------------------------------------------------------

    String dataset(String token, String name) {
        return given().baseUri(services.url("warehouse")).auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("name", name, "description", "made by a cross-service test"))
                .post("/api/v1/datasets").then().statusCode(201).extract().path("id");
    }

    Response upload(String token, String dataset, String fileName, byte[] content) {
        return given().baseUri(services.url("warehouse")).auth().oauth2(token).contentType("multipart/form-data")
                .multiPart("files", fileName, content, "application/octet-stream")
                .post("/api/v1/datasets/" + dataset + "/versions");
    }

    Response uploadCode(String token, String fileName, byte[] content) {
        return given().baseUri(services.url("execution")).auth().oauth2(token).contentType("multipart/form-data")
                .multiPart("files", fileName, content, "application/octet-stream").post("/api/v1/code");
    }

    Response deleteVersion(String token, String dataset, int version) {
        return given().baseUri(services.url("warehouse")).auth().oauth2(token)
                .delete("/api/v1/datasets/" + dataset + "/versions/" + version);
    }

    /** Total bytes of every version of the dataset, as warehouse-service lists them. */
    long versionBytes(String token, String dataset) {
        JsonPath page = given().baseUri(services.url("warehouse")).auth().oauth2(token).queryParam("size", 100)
                .get("/api/v1/datasets/" + dataset + "/versions").then().statusCode(200).extract().jsonPath();
        return page.getList("items.totalBytes", Long.class).stream().mapToLong(Long::longValue).sum();
    }

    JsonPath internalVersion(String dataset, int version) {
        return given().baseUri(services.url("warehouse")).auth().oauth2(Tokens.service("gear-service"))
                .get("/internal/warehouse/datasets/" + dataset + "/versions/" + version).then().statusCode(200)
                .extract().jsonPath();
    }

    // --- storage ---------------------------------------------------------------------------------------

    JsonPath storage(String token) {
        return given().baseUri(services.url("storage")).auth().oauth2(token).get("/api/v1/storage/me").then()
                .statusCode(200).extract().jsonPath();
    }

    long used(String token) {
        return storage(token).getLong("usedBytes");
    }

    JsonPath setQuota(String user, long quotaBytes) {
        return given().baseUri(services.url("storage")).auth().oauth2(Tokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("quotaBytes", quotaBytes)).put("/api/v1/storage/quotas/" + user).then().statusCode(200)
                .extract().jsonPath();
    }

    // --- gear ------------------------------------------------------------------------------------------

    static Map<String, Object> datasetBinding(String mountPath, String dataset, int version) {
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("kind", "dataset");
        source.put("id", dataset);
        source.put("version", version);
        Map<String, Object> binding = new LinkedHashMap<>();
        binding.put("mountPath", mountPath);
        binding.put("source", source);
        return binding;
    }

    Response createGear(String token, String name, List<Map<String, Object>> bindings) {
        return createGear(token, name, "cpu-2c4g", bindings);
    }

    Response createGear(String token, String name, String computeSpecId, List<Map<String, Object>> bindings) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("computeSpecId", computeSpecId);
        body.put("imageId", "pytorch-2.4-cpu");
        body.put("bindings", bindings);
        return given().baseUri(services.url("gear")).auth().oauth2(token).contentType(ContentType.JSON).body(body)
                .post("/api/v1/gears");
    }

    JsonPath internalGear(String id) {
        return given().baseUri(services.url("gear")).auth().oauth2(Tokens.service("execution-service"))
                .get("/internal/gears/" + id).then().statusCode(200).extract().jsonPath();
    }

    /** Gears of this name and events that mention it: what a refused request must not leave behind. */
    static long gearTraces(String name) {
        return number("gear", "SELECT count(*) FROM gear WHERE name = ?", name)
                + number("gear", "SELECT count(*) FROM outbox_event WHERE payload LIKE ?", "%" + name + "%");
    }

    // --- billing and executions ------------------------------------------------------------------------

    void topUp(String user, long amountMinor) {
        given().baseUri(services.url("billing")).auth().oauth2(Tokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("amountMinor", amountMinor, "reference", "top-up-" + UUID.randomUUID()))
                .post("/api/v1/billing/accounts/" + user + "/top-ups").then().statusCode(201);
    }

    /**
     * Starts a script execution of the gear (with {@code headers} on the request) and waits until it has
     * SUCCEEDED: the caller plans the fake kubelet's outcome for the gear's pods.
     */
    String runScript(String token, String gear, Map<String, String> headers) {
        String execution = given().baseUri(services.url("execution")).auth().oauth2(token).headers(headers)
                .contentType(ContentType.JSON).body(Map.of("mode", "script", "entryCommand", "python train.py"))
                .post("/api/v1/gears/" + gear + "/executions").then().statusCode(201).extract().path("id");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                .pollInterval(java.time.Duration.ofMillis(200))
                .until(() -> "SUCCEEDED".equals(given().baseUri(services.url("execution")).auth().oauth2(token)
                        .get("/api/v1/executions/" + execution).then().statusCode(200).extract().path("state")));
        return execution;
    }

    // --- several instances ------------------------------------------------------------------------------

    /** The instances among {@code instances} that say they lead (their {@code hyperai_leader} metric), alive ones. */
    static List<io.hyperai.infra.ServiceProcess> leading(List<io.hyperai.infra.ServiceProcess> instances) {
        List<io.hyperai.infra.ServiceProcess> out = new java.util.ArrayList<>();
        for (io.hyperai.infra.ServiceProcess p : instances) {
            if (p.isAlive()) {
                try {
                    String metrics = given().baseUri(p.url()).get("/q/metrics").then().extract().asString();
                    if (metrics.lines().anyMatch(l -> l.startsWith("hyperai_leader ") && l.endsWith(" 1.0"))) {
                        out.add(p);
                    }
                } catch (RuntimeException e) {
                    // not answering: not leading
                }
            }
        }
        return out;
    }

    // --- databases -------------------------------------------------------------------------------------

    static long number(String db, String sql, Object... params) {
        return Sql.number(() -> SharedInfrastructure.postgres().connect(db), sql, params);
    }
}
