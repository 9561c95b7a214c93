package io.hyperai.storage;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import io.hyperai.test.StandInService;
import io.hyperai.test.StandInService.Answer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Stands in for what warehouse-service and execution-service keep ({@code POST /internal/.../stored}, service tokens
 * only): nothing, unless a test says what a user keeps with {@link #keeps}.
 */
public class OwnersStandIn implements QuarkusTestResourceLifecycleManager {

    /** A user's objects as each owner answers them (JSON objects), by "warehouse" or "execution" then user. */
    private static final Map<String, Map<String, List<String>>> KEPT = new ConcurrentHashMap<>();
    static StandInService server;

    @Override
    public Map<String, String> start() {
        server = StandInService.start();
        server.on("POST", "/internal/warehouse/stored", r -> answer("warehouse", r.body()));
        server.on("POST", "/internal/executions/stored", r -> answer("execution", r.body()));
        return Map.of("quarkus.rest-client.warehouse.url", server.url(),
                "quarkus.rest-client.execution.url", server.url());
    }

    private static Answer answer(String owner, String body) {
        return Answer.json("{\"objects\":[" + KEPT.getOrDefault(owner, Map.of()).entrySet().stream()
                .filter(e -> body.contains("\"" + e.getKey() + "\"")).flatMap(e -> e.getValue().stream())
                .collect(Collectors.joining(",")) + "]}");
    }

    /** From now on {@code owner} ("warehouse" or "execution") says {@code user} keeps these objects. */
    static void keeps(String owner, String user, List<String> objects) {
        KEPT.computeIfAbsent(owner, o -> new ConcurrentHashMap<>()).put(user, objects);
    }

    static String object(String kind, String id, String user, long bytes) {
        return """
                {"kind":"%s","objectId":"%s","ownerId":"%s","bytes":%d,"since":"2026-12-01T00:00:00Z"}"""
                .formatted(kind, id, user, bytes);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
