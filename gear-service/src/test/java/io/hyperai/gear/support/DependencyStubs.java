package io.hyperai.gear.support;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;

/**
 * storage-, warehouse- and execution-service as gear-service sees them, one stub server each so
 * that each can be down on its own. Tests program them through the helpers here, following the
 * contracts in gear-service/docs/contracts.md.
 */
public final class DependencyStubs {

    public static final StubService STORAGE = new StubService("storage");
    public static final StubService WAREHOUSE = new StubService("warehouse");
    public static final StubService EXECUTION = new StubService("execution");

    private static final Set<String> BLOCKED = ConcurrentHashMap.newKeySet();
    private static volatile boolean started;

    private DependencyStubs() {
    }

    static synchronized Map<String, String> start() {
        if (!started) {
            STORAGE.start();
            WAREHOUSE.start();
            EXECUTION.start();
            started = true;
        }
        reset();
        return Map.of(
                "quarkus.rest-client.storage.url", STORAGE.url(),
                "quarkus.rest-client.warehouse.url", WAREHOUSE.url(),
                "quarkus.rest-client.execution.url", EXECUTION.url());
    }

    /** Every dependency up, prompt, knowing nobody's data, nobody blocked; every circuit closed. */
    public static void reset() {
        if (!started) {
            throw new IllegalStateException("the dependency stubs were started by another class loader than the tests'");
        }
        BLOCKED.clear();
        for (StubService stub : new StubService[] { STORAGE, WAREHOUSE, EXECUTION }) {
            stub.reset();
        }
        STORAGE.fallback(path -> {
            String prefix = "/internal/storage/admission/";
            if (!path.startsWith(prefix)) {
                return null;
            }
            String user = path.substring(prefix.length());
            boolean blocked = BLOCKED.contains(user);
            return new StubService.Answer(200, "{\"userId\":\"" + user + "\",\"quotaBytes\":1000,\"usedBytes\":"
                    + (blocked ? 1200 : 10) + ",\"reservedBytes\":0,\"blocked\":" + blocked + "}");
        });
    }

    public static void resetCircuits() {
        CircuitBreakerMaintenance.get().resetAll();
    }

    public static void blockStorage(String user) {
        BLOCKED.add(user);
    }

    /** A dataset or model version ({@code kind} "dataset" or "model") owned by {@code owner}. */
    public static void version(String kind, String id, int version, String owner, long totalBytes) {
        String path = "/internal/warehouse/" + kind + "s/" + id + "/versions/" + version;
        WAREHOUSE.answer(path, 200, "{\"itemId\":\"" + id + "\",\"kind\":\"" + kind.toUpperCase() + "\",\"version\":"
                + version + ",\"ownerId\":\"" + owner + "\",\"totalBytes\":" + totalBytes + ",\"storagePath\":\""
                + storagePath(kind, id, version) + "\"}");
    }

    public static String storagePath(String kind, String id, int version) {
        return "/data/warehouse/" + kind + "s/" + id + "/v" + version;
    }

    /** The saved working directory of an ended execution of {@code owner}. */
    public static void output(String executionId, String owner, String gearId, long bytes) {
        EXECUTION.answer("/internal/executions/" + executionId + "/output", 200, "{\"executionId\":\"" + executionId
                + "\",\"ownerId\":\"" + owner + "\",\"gearId\":\"" + gearId + "\",\"state\":\"SUCCEEDED\","
                + "\"workdirPath\":\"" + workdirPath(executionId) + "\",\"bytes\":" + bytes + "}");
    }

    public static String workdirPath(String executionId) {
        return "/data/workdirs/" + executionId;
    }
}
