package io.hyperai.warehouse;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.hyperai.test.StandInService;
import io.hyperai.test.StandInService.Answer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Stands in for execution-service's {@code GET /internal/executions/{id}/output/archive} (service tokens only): the
 * archive a test gave for an execution, or the status it said the real service would answer.
 */
public class ExecutionStandInResource implements QuarkusTestResourceLifecycleManager {

    private static final Map<String, Answer> OUTPUTS = new ConcurrentHashMap<>();
    static StandInService server;

    @Override
    public Map<String, String> start() {
        server = StandInService.start();
        server.on("GET", "/internal/executions/([^/]+)/output/archive",
                r -> OUTPUTS.getOrDefault(r.group(1), Answer.status(404)));
        return Map.of("quarkus.rest-client.execution.url", server.url());
    }

    /** From now on the output of {@code executionId} is this tar.gz. */
    static void output(String executionId, byte[] tarGz) {
        OUTPUTS.put(executionId, Answer.bytes(tarGz, "application/gzip"));
    }

    /** From now on execution-service answers {@code status} for the output of {@code executionId}. */
    static void refuse(String executionId, int status) {
        OUTPUTS.put(executionId, Answer.status(status));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
