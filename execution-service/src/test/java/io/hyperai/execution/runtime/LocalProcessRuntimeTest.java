package io.hyperai.execution.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.hyperai.execution.ExecutionState;
import io.hyperai.execution.config.ExecutionConfig;

/** Real processes (in a bubblewrap sandbox where the machine has it) with the spec's limits enforced. */
class LocalProcessRuntimeTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path root;
    private LocalProcessRuntime runtime;

    @BeforeEach
    void start() {
        Map<String, Object> values = Map.of("localRoot", root.resolve("executions").toString(),
                "workdirsRoot", root.resolve("workdirs").toString(), "warehouseRoot", root.resolve("warehouse").toString(),
                "workspaceBaseUrl", "http://localhost", "runAsUser", 1000L);
        ExecutionConfig config = (ExecutionConfig) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { ExecutionConfig.class }, (proxy, method, args) -> values.get(method.getName()));
        runtime = new LocalProcessRuntime(config);
    }

    @AfterEach
    void stop() {
        runtime.close();
    }

    private Launch script(String command, int memoryMib, int diskGib, List<Launch.Mount> inputs) {
        return new Launch(UUID.randomUUID().toString(), "gear", "alice", "SCRIPT", "local", command,
                new Launch.Resources(1, memoryMib, diskGib, 0, null), Map.of(), inputs, null, null, null);
    }

    private PodObservation awaitEnd(Launch launch) {
        await().atMost(WAIT).until(() -> runtime.observe(launch.executionId()).map(o -> o.state().isTerminal())
                .orElse(false));
        return runtime.observe(launch.executionId()).orElseThrow();
    }

    @Test
    void aScriptReadsItsInputWritesItsHomeAndTheHomeIsSaved() throws Exception {
        Path version = root.resolve("warehouse/datasets/d1/v1");
        Files.createDirectories(version);
        Files.writeString(version.resolve("data.csv"), "a,b\n1,2\n");
        String input = LocalProcessRuntime.isSandboxed() ? "/hyperai/input/input0" : version.toString();
        Launch launch = script("wc -l " + input + "/data.csv > lines.txt && echo done",
                512, 1, List.of(new Launch.Mount("/hyperai/input/input0", "warehouse", "datasets/d1/v1")));
        runtime.start(launch).await().atMost(WAIT);

        PodObservation end = awaitEnd(launch);
        assertThat(end.state()).isEqualTo(ExecutionState.SUCCEEDED);
        assertThat(end.exitCode()).isZero();
        await().atMost(WAIT).until(() -> Files.exists(root.resolve("workdirs").resolve(launch.executionId())
                .resolve("lines.txt")));
        assertThat(Files.readString(root.resolve("workdirs").resolve(launch.executionId()).resolve("lines.txt")))
                .startsWith("2");
        assertThat(runtime.logs(launch.executionId()).await().atMost(WAIT)).contains("done");
    }

    @Test
    void inputsAreReadOnlyInTheSandbox() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(LocalProcessRuntime.isSandboxed(), "bubblewrap is not installed");
        Files.createDirectories(root.resolve("warehouse/datasets/d2/v1"));
        Launch launch = script("echo x > /hyperai/input/input0/new.txt || exit 7", 512, 1,
                List.of(new Launch.Mount("/hyperai/input/input0", "warehouse", "datasets/d2/v1")));
        runtime.start(launch).await().atMost(WAIT);
        PodObservation end = awaitEnd(launch);
        assertThat(end.state()).isEqualTo(ExecutionState.FAILED);
        assertThat(end.exitCode()).isEqualTo(7);
        assertThat(root.resolve("warehouse/datasets/d2/v1/new.txt")).doesNotExist();
    }

    @Test
    void aSandboxOutlivesTheThreadThatStartedIt() {
        org.junit.jupiter.api.Assumptions.assumeTrue(LocalProcessRuntime.isSandboxed(), "bubblewrap is not installed");
        Launch launch = script("sleep 2; echo survived", 512, 1, List.of());
        // every blocking task on a thread of its own that ends with the task, as a pool retires an idle worker
        io.smallrye.mutiny.infrastructure.Infrastructure.setDefaultExecutor(task -> new Thread(task).start());
        try {
            runtime.start(launch).await().atMost(WAIT);
        } finally {
            io.smallrye.mutiny.infrastructure.Infrastructure.setDefaultExecutor();
        }
        PodObservation end = awaitEnd(launch);
        assertThat(end.state()).as("bwrap --die-with-parent follows the forking thread").isEqualTo(ExecutionState.SUCCEEDED);
        assertThat(runtime.logs(launch.executionId()).await().atMost(WAIT)).contains("survived");
    }

    @Test
    void aNonZeroExitFailsWithItsCode() {
        Launch launch = script("exit 3", 512, 1, List.of());
        runtime.start(launch).await().atMost(WAIT);
        PodObservation end = awaitEnd(launch);
        assertThat(end.state()).isEqualTo(ExecutionState.FAILED);
        assertThat(end.reason()).isEqualTo("EXIT_CODE");
        assertThat(end.exitCode()).isEqualTo(3);
    }

    @Test
    void exceedingMemoryIsStoppedWithTheReason() {
        Launch launch = script("python3 -c \"import time; a = bytearray(300 * 1024 * 1024); time.sleep(30)\"",
                100, 1, List.of());
        runtime.start(launch).await().atMost(WAIT);
        PodObservation end = awaitEnd(launch);
        assertThat(end.state()).isEqualTo(ExecutionState.FAILED);
        assertThat(end.reason()).isEqualTo("MEMORY_LIMIT_EXCEEDED");
    }

    @Test
    void exceedingDiskIsStoppedWithTheReason() {
        // a zero-GiB disk: any byte in home is over the limit
        Launch launch = script("echo data > big.bin; sleep 30", 512, 0, List.of());
        runtime.start(launch).await().atMost(WAIT);
        PodObservation end = awaitEnd(launch);
        assertThat(end.state()).isEqualTo(ExecutionState.FAILED);
        assertThat(end.reason()).isEqualTo("DISK_LIMIT_EXCEEDED");
    }

    @Test
    void removingAProcessEndsIt() {
        Launch launch = script("sleep 60", 512, 1, List.of());
        runtime.start(launch).await().atMost(WAIT);
        assertThat(runtime.observe(launch.executionId()).map(PodObservation::state)).contains(ExecutionState.RUNNING);
        runtime.remove(launch.executionId()).await().atMost(WAIT);
        assertThat(runtime.observe(launch.executionId())).isEqualTo(Optional.empty());
        assertThat(runtime.withContainers()).doesNotContain(launch.executionId());
    }

    @Test
    void aWorkspaceServesARealJupyterPageUntilStopped() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/jupyter-notebook")),
                "Debian's jupyter-notebook is not installed");
        Launch launch = new Launch(UUID.randomUUID().toString(), "gear", "alice", "JUPYTER", "local", null,
                new Launch.Resources(1, 2048, 1, 0, null), Map.of(), List.of(), null, null, "t0ken" + System.nanoTime());
        runtime.start(launch).await().atMost(WAIT);
        String base = runtime.workspaceBase(launch.executionId()) + "/executions/" + launch.executionId() + "/";
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.URI status = java.net.URI.create(base + "api/status?token=" + launch.jupyterToken());
        await().atMost(WAIT).ignoreExceptions().until(() -> http.send(java.net.http.HttpRequest.newBuilder(status).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
        var tree = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "tree?token="
                + launch.jupyterToken())).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(tree.statusCode()).isEqualTo(200);
        assertThat(tree.body()).containsIgnoringCase("jupyter");
        var refused = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "api/contents")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).as("without the token").isIn(401, 403);

        runtime.remove(launch.executionId()).await().atMost(WAIT);
        await().atMost(WAIT).until(() -> {
            try {
                http.send(java.net.http.HttpRequest.newBuilder(status).build(), java.net.http.HttpResponse.BodyHandlers.discarding());
                return false;
            } catch (java.io.IOException e) {
                return true;
            }
        });
    }
}
