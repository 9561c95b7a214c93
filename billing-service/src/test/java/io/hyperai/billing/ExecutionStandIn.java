package io.hyperai.billing;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import io.hyperai.test.StandInService;
import io.hyperai.test.StandInService.Answer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Stands in for execution-service's {@code POST /internal/executions/ended} (service tokens only): no execution has
 * ended unless a test says so with {@link #ended}.
 */
public class ExecutionStandIn implements QuarkusTestResourceLifecycleManager {

    private static final Map<String, String> ENDED = new ConcurrentHashMap<>();
    static StandInService server;

    @Override
    public Map<String, String> start() {
        server = StandInService.start();
        server.on("POST", "/internal/executions/ended", r -> Answer.json("{\"ended\":["
                + ENDED.entrySet().stream().filter(e -> r.body().contains("\"" + e.getKey() + "\""))
                        .map(Map.Entry::getValue).collect(Collectors.joining(","))
                + "],\"unknown\":[]}"));
        return Map.of("quarkus.rest-client.execution.url", server.url());
    }

    /** From now on, execution-service says this execution ended (stopped by its user) at {@code endedAt}. */
    static void ended(String executionId, String owner, Instant startedAt, Instant endedAt) {
        ENDED.put(executionId, """
                {"executionId":"%s","gearId":"gear-%1$s","ownerId":"%s","state":"STOPPED","startedAt":"%s",\
                "endedAt":"%s","exitCode":null,"reason":"USER_STOPPED"}""".formatted(executionId, owner, startedAt,
                endedAt));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
