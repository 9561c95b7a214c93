package io.hyperai.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.hyperai.test.Sql;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/** The platform's public REST API as a user calls it (base URLs from the launcher, tokens from Keycloak). */
final class Api {

    static final Duration WAIT = Duration.ofSeconds(180);
    static final String CPU_IMAGE = "pytorch-2.4-cpu";
    /**
     * The priciest CPU spec (1 200 minor units per hour, one every 3 s), for tests whose small balances must run out
     * fast or whose charges must be more than zero. The GPU specs cost more, but the local runtime has no GPUs (unless
     * configured), so it refuses to start them.
     */
    static final String PRICEY_SPEC = "cpu-16c64g";

    private final Platform platform;
    private final KeycloakCredentials creds;

    Api(Platform platform, KeycloakCredentials creds) {
        this.platform = platform;
        this.creds = creds;
    }

    static Api get() {
        return new Api(E2e.platform(), E2e.credentials());
    }

    RequestSpecification as(String user, String service) {
        return given().baseUri(platform.url(service)).auth().oauth2(creds.user(user));
    }

    RequestSpecification asAdmin(String service) {
        return given().baseUri(platform.url(service)).auth().oauth2(creds.admin());
    }

    RequestSpecification asService(String service) {
        return given().baseUri(platform.url(service)).auth().oauth2(creds.service());
    }

    /** A person of a test's own (a new Keycloak user with role user) with {@code balance} topped up; their name. */
    String newUser(String prefix, long balance) {
        String name = "e2e-" + prefix + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        topUp(creds.newUser(name), balance, name);
        return name;
    }

    static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    // --- warehouse -------------------------------------------------------------------------------------

    /** {@code kind} is {@code datasets} or {@code models}. */
    String item(String user, String kind, String name) {
        return as(user, "warehouse").contentType(ContentType.JSON).body(Map.of("name", name, "description", "e2e"))
                .post("/api/v1/" + kind).then().statusCode(201).extract().path("id");
    }

    Response upload(String user, String kind, String id, String fileName, byte[] content) {
        return as(user, "warehouse").contentType("multipart/form-data")
                .multiPart("files", fileName, content, "application/octet-stream")
                .post("/api/v1/" + kind + "/" + id + "/versions");
    }

    /** Makes an item {@code public} or {@code private}, as its owner does; the item as it is now. */
    JsonPath visibility(String user, String kind, String id, String visibility) {
        return as(user, "warehouse").contentType(ContentType.JSON).body(Map.of("visibility", visibility))
                .patch("/api/v1/" + kind + "/" + id).then().statusCode(200).extract().jsonPath();
    }

    /** A code bundle (execution-service's {@code POST /api/v1/code}): the same multipart part name as data uploads. */
    Response uploadCode(String user, String fileName, byte[] content) {
        return as(user, "execution").contentType("multipart/form-data")
                .multiPart("files", fileName, content, "application/octet-stream").post("/api/v1/code");
    }

    // --- gear ------------------------------------------------------------------------------------------

    static Map<String, Object> input(int n, String kind, String id, int version) {
        return binding("/hyperai/input/input" + n, Map.of("kind", kind, "id", id, "version", version));
    }

    static Map<String, Object> home(String executionId) {
        return binding("/hyperai/home", Map.of("kind", "output", "executionId", executionId));
    }

    private static Map<String, Object> binding(String mountPath, Map<String, Object> source) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("mountPath", mountPath);
        b.put("source", source);
        return b;
    }

    Response createGear(String user, String name, String spec, List<Map<String, Object>> bindings) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("computeSpecId", spec);
        body.put("imageId", CPU_IMAGE);
        body.put("bindings", bindings);
        return as(user, "gear").contentType(ContentType.JSON).body(body).post("/api/v1/gears");
    }

    String gear(String user, String name, String spec, List<Map<String, Object>> bindings) {
        return createGear(user, name, spec, bindings).then().statusCode(201).extract().path("id");
    }

    // --- execution -------------------------------------------------------------------------------------

    Response start(String user, String gearId, String mode, String command) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("mode", mode);
        if (command != null) {
            body.put("entryCommand", command);
        }
        return as(user, "execution").contentType(ContentType.JSON).body(body)
                .post("/api/v1/gears/" + gearId + "/executions");
    }

    String script(String user, String gearId, String command) {
        return started(start(user, gearId, "script", command));
    }

    String workspace(String user, String gearId) {
        return started(start(user, gearId, "jupyter", null));
    }

    private static String started(Response r) {
        r.then().statusCode(201);
        return r.path("id");
    }

    String continueFrom(String user, String executionId, String command) {
        return started(as(user, "execution").contentType(ContentType.JSON).body(Map.of("entryCommand", command))
                .post("/api/v1/executions/" + executionId + "/continue"));
    }

    JsonPath execution(String user, String id) {
        return as(user, "execution").get("/api/v1/executions/" + id).then().statusCode(200).extract().jsonPath();
    }

    String state(String user, String id) {
        return execution(user, id).getString("state");
    }

    JsonPath awaitState(String user, String id, String... states) {
        List<String> wanted = List.of(states);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> wanted.contains(state(user, id)));
        return execution(user, id);
    }

    JsonPath stop(String user, String id) {
        return as(user, "execution").post("/api/v1/executions/" + id + "/stop").then().statusCode(200).extract()
                .jsonPath();
    }

    String logs(String user, String id) {
        return as(user, "execution").accept("text/plain").get("/api/v1/executions/" + id + "/logs").then()
                .statusCode(200).extract().asString();
    }

    /**
     * What the execution saved of {@code /hyperai/home}, as execution-service reports it to other services (measured a
     * few seconds after the end, once the copy is complete).
     */
    long savedBytes(String id) {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> asService("execution")
                .get("/internal/executions/" + id + "/output").then().statusCode(200).extract().jsonPath()
                .<Number>get("bytes"), b -> b != null).longValue();
    }

    /** The files of an ended execution's saved working directory as its owner lists them: path to size. */
    Map<String, Long> outputFiles(String user, String id) {
        JsonPath page = as(user, "execution").queryParam("size", 100).get("/api/v1/executions/" + id + "/output")
                .then().statusCode(200).extract().jsonPath();
        Map<String, Long> files = new LinkedHashMap<>();
        for (Map<String, Object> f : page.<Map<String, Object>>getList("items")) {
            files.put((String) f.get("path"), ((Number) f.get("sizeBytes")).longValue());
        }
        return files;
    }

    // --- storage and billing ---------------------------------------------------------------------------

    /**
     * The bytes storage-service's ledger keeps for {@code userId} as the saved working directory of
     * {@code executionId} (one object per execution), or -1 while it has none.
     */
    long ledgerWorkingDirectory(String userId, String executionId) {
        return number("storage", "SELECT COALESCE(max(bytes), -1) FROM storage_object WHERE kind = 'WORKING_DIRECTORY'"
                + " AND object_id = ? AND user_id = ?", executionId, userId);
    }

    JsonPath storage(String user) {
        return as(user, "storage").get("/api/v1/storage/me").then().statusCode(200).extract().jsonPath();
    }

    void setQuota(String userId, long bytes) {
        asAdmin("storage").contentType(ContentType.JSON).body(Map.of("quotaBytes", bytes))
                .put("/api/v1/storage/quotas/" + userId).then().statusCode(200);
    }

    JsonPath account(String user) {
        return as(user, "billing").get("/api/v1/billing/me").then().statusCode(200).extract().jsonPath();
    }

    long balance(String user) {
        return account(user).getLong("balanceMinor");
    }

    void topUp(String userId, long amount, String reference) {
        asAdmin("billing").contentType(ContentType.JSON).body(Map.of("amountMinor", amount, "reference", reference))
                .post("/api/v1/billing/accounts/" + userId + "/top-ups").then().statusCode(201);
    }

    /** floor(price x seconds / 3600) for the whole seconds between the times the execution recorded. */
    static long expectedCharge(JsonPath execution) {
        long seconds = Duration.between(Instant.parse(execution.getString("startedAt")),
                Instant.parse(execution.getString("endedAt"))).toSeconds();
        return execution.getLong("pricePerHourMinor") * Math.max(0, seconds) / 3600;
    }

    static long seconds(JsonPath execution) {
        return Duration.between(Instant.parse(execution.getString("startedAt")),
                Instant.parse(execution.getString("endedAt"))).toSeconds();
    }

    void awaitSettled(String executionId) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> number("billing",
                "SELECT count(*) FROM metered_run WHERE execution_id = ? AND settled_at IS NOT NULL", executionId) == 1);
    }

    long charged(String executionId) {
        return number("billing", "SELECT COALESCE(sum(amount_minor), 0) FROM charge WHERE execution_id = ?",
                executionId);
    }

    // --- databases (read only: what the API does not show) -----------------------------------------------

    long number(String db, String sql, Object... params) {
        return Sql.number(() -> platform.db(db), sql, params);
    }
}
