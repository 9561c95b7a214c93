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
import org.junit.jupiter.api.io.TempDir;

import io.hyperai.execution.ExecutionState;
import io.hyperai.execution.config.ExecutionConfig;
import io.hyperai.execution.config.LocalEgress;

/** A local runtime of its own per test, on a temporary directory, with helpers to run scripts and read output. */
abstract class LocalRuntimeFixture {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final long OUTPUT_CAP = 8L * 1024 * 1024;

    @TempDir
    Path root;
    LocalProcessRuntime runtime;
    private Map<String, Object> values;

    @BeforeEach
    void start() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(LocalProcessRuntime.isSandboxed(), "bubblewrap is not installed");
        // JUnit makes its directory 0700; the sandbox user must be able to reach the homes inside it
        Files.setPosixFilePermissions(root, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        values = new java.util.HashMap<>(Map.ofEntries(Map.entry("localRoot", root.resolve("executions").toString()),
                Map.entry("workdirsRoot", root.resolve("workdirs").toString()),
                Map.entry("warehouseRoot", root.resolve("warehouse").toString()),
                Map.entry("codeRoot", root.resolve("code").toString()),
                Map.entry("socketRoot", Optional.of(root.resolve("sockets").toString())),
                Map.entry("workspaceProxyUrl", "http://localhost"), Map.entry("runAsUser", 1000L),
                Map.entry("sandboxUid", 65534L), Map.entry("sandboxPidsMax", 256),
                Map.entry("outputCapBytes", OUTPUT_CAP), Map.entry("keptLogBytes", 1024 * 1024), Map.entry("bwrap", "/usr/bin/bwrap"),
                Map.entry("localEgress", LocalEgress.NONE), Map.entry("slirp4netns", "/usr/bin/slirp4netns")));
        values.putAll(extraConfig());
        runtime = new LocalProcessRuntime(config(values));
    }

    /** Another instance of the service on this machine: the same configuration, the same directories. */
    LocalProcessRuntime another() {
        return new LocalProcessRuntime(config(values));
    }

    /** What a test class configures differently from the defaults above. */
    Map<String, Object> extraConfig() {
        return Map.of();
    }

    static ExecutionConfig config(Map<String, Object> values) {
        return (ExecutionConfig) Proxy.newProxyInstance(LocalRuntimeFixture.class.getClassLoader(),
                new Class<?>[] { ExecutionConfig.class }, (proxy, method, args) -> values.getOrDefault(method.getName(),
                        method.getReturnType() == Optional.class ? Optional.empty() : null));
    }

    @AfterEach
    void stop() {
        if (runtime != null) {
            close(runtime);
        }
    }

    /** Closes an instance once the homes of the runs it ended are copied: JUnit deletes their directory next. */
    static void close(LocalProcessRuntime instance) {
        instance.close();
        await().atMost(WAIT).until(instance::quiet);
    }

    /** Runs a script to its end and returns how it ended. */
    PodObservation run(Launch launch) {
        runtime.start(launch);
        return awaitEnd(launch);
    }

    Launch script(String command, int memoryMib, int diskGib, List<Launch.Mount> inputs) {
        return new Launch(UUID.randomUUID().toString(), "gear", "alice", "SCRIPT", "local", command,
                new Launch.Resources(1, memoryMib, diskGib, 0, null), Map.of(), inputs, null, null, null);
    }

    /** The whole output, read as the log endpoint does: chunk by chunk. */
    String output(Launch launch) {
        return new String(outputBytes(launch), java.nio.charset.StandardCharsets.UTF_8);
    }

    byte[] outputBytes(Launch launch) {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        byte[] chunk;
        do {
            chunk = runtime.logs(launch.executionId(), all.size(), 64 * 1024);
            all.writeBytes(chunk);
        } while (chunk.length > 0);
        return all.toByteArray();
    }

    PodObservation awaitEnd(Launch launch) {
        await().atMost(WAIT).until(() -> runtime.observe(launch.executionId()).map(o -> o.state().isTerminal())
                .orElse(false));
        return runtime.observe(launch.executionId()).orElseThrow();
    }

}
