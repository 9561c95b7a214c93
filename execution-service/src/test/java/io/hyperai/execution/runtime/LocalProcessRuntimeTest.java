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
import io.hyperai.execution.runtime.local.SandboxCommand;

/** Real processes in bubblewrap sandboxes with the spec's limits enforced. */
class LocalProcessRuntimeTest extends LocalRuntimeFixture {

    @Test
    void aScriptReadsItsInputWritesItsHomeAndTheHomeIsSaved() throws Exception {
        Path version = root.resolve("warehouse/datasets/d1/v1");
        Files.createDirectories(version);
        Files.writeString(version.resolve("data.csv"), "a,b\n1,2\n");
        String input = "/hyperai/input/input0";
        Launch launch = script("wc -l " + input + "/data.csv > lines.txt && echo done",
                512, 1, List.of(new Launch.Mount("/hyperai/input/input0", "warehouse", "datasets/d1/v1")));
        runtime.start(launch);

        PodObservation end = awaitEnd(launch);
        assertThat(end.state()).isEqualTo(ExecutionState.SUCCEEDED);
        assertThat(end.exitCode()).isZero();
        await().atMost(WAIT).until(() -> Files.exists(root.resolve("workdirs").resolve(launch.executionId())
                .resolve("lines.txt")));
        assertThat(Files.readString(root.resolve("workdirs").resolve(launch.executionId()).resolve("lines.txt")))
                .startsWith("2");
        assertThat(output(launch)).contains("done");
    }

    /**
     * Only the working directory survives: a module installed into the user site (as {@code pip install --user}
     * does) is importable in its own run and gone in the next one, which starts from the first one's saved home.
     */
    @Test
    void onlyTheWorkingDirectoryComesBackOnContinue() throws Exception {
        Launch first = script("python3 -c \"import os, site; p = site.getusersitepackages(); os.makedirs(p);"
                + " open(os.path.join(p, 'leftover.py'), 'w').write('X = 1')\" && python3 -c 'import leftover'"
                + " && echo kept > kept.txt && echo home=$HOME", 512, 1, List.of());
        runtime.start(first);
        assertThat(awaitEnd(first).state()).isEqualTo(ExecutionState.SUCCEEDED);
        assertThat(output(first)).contains("home=/home/hyperai");
        Path saved = root.resolve("workdirs").resolve(first.executionId());
        await().atMost(WAIT).until(() -> Files.exists(saved.resolve("kept.txt")));

        Launch again = script("cat kept.txt; python3 -c 'import leftover' 2>/dev/null && echo leftover-found;"
                + " ls -A $HOME | wc -l", 512, 1, List.of());
        Launch resumed = new Launch(again.executionId(), again.gearId(), again.ownerId(), again.mode(),
                again.image(), again.entryCommand(), again.resources(), again.nodeSelector(), again.inputs(),
                new Launch.Mount(SandboxCommand.HOME, "workdirs", first.executionId()), null, null);
        runtime.start(resumed);
        assertThat(awaitEnd(resumed).state()).isEqualTo(ExecutionState.SUCCEEDED);
        assertThat(output(resumed)).contains("kept").doesNotContain("leftover-found");
        assertThat(output(resumed).strip()).endsWith("0");
    }

    @Test
    void inputsAreReadOnlyInTheSandbox() throws Exception {
        Files.createDirectories(root.resolve("warehouse/datasets/d2/v1"));
        Launch launch = script("echo x > /hyperai/input/input0/new.txt || exit 7", 512, 1,
                List.of(new Launch.Mount("/hyperai/input/input0", "warehouse", "datasets/d2/v1")));
        runtime.start(launch);
        PodObservation end = awaitEnd(launch);
        assertThat(end.state()).isEqualTo(ExecutionState.FAILED);
        assertThat(end.exitCode()).isEqualTo(7);
        assertThat(root.resolve("warehouse/datasets/d2/v1/new.txt")).doesNotExist();
    }

    @Test
    void aSandboxOutlivesTheThreadThatStartedIt() {
        Launch launch = script("sleep 2; echo survived", 512, 1, List.of());
        // every blocking task on a thread of its own that ends with the task, as a pool retires an idle worker
        io.smallrye.mutiny.infrastructure.Infrastructure.setDefaultExecutor(task -> new Thread(task).start());
        try {
            runtime.start(launch);
        } finally {
            io.smallrye.mutiny.infrastructure.Infrastructure.setDefaultExecutor();
        }
        PodObservation end = awaitEnd(launch);
        assertThat(end.state()).as("bwrap --die-with-parent follows the forking thread").isEqualTo(ExecutionState.SUCCEEDED);
        assertThat(output(launch)).contains("survived");
    }

    @Test
    void theTailOfTheOutputComesWithItsOffset() {
        Launch launch = script("echo hello world", 256, 1, List.of());
        run(launch);
        LogChunk tail = runtime.tail(launch.executionId(), 6);
        assertThat(tail.offset()).isEqualTo("hello ".length());
        assertThat(new String(tail.bytes(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("world\n");
        assertThat(runtime.tail(launch.executionId(), 100).offset()).isZero();
    }

    @Test
    void aNonZeroExitFailsWithItsCode() {
        Launch launch = script("exit 3", 512, 1, List.of());
        runtime.start(launch);
        PodObservation end = awaitEnd(launch);
        assertThat(end.state()).isEqualTo(ExecutionState.FAILED);
        assertThat(end.reason()).isEqualTo("EXIT_CODE");
        assertThat(end.exitCode()).isEqualTo(3);
    }

    @Test
    void exceedingMemoryIsStoppedWithTheReason() {
        Launch launch = script("python3 -c \"import time; a = bytearray(300 * 1024 * 1024); time.sleep(30)\"",
                100, 1, List.of());
        runtime.start(launch);
        PodObservation end = awaitEnd(launch);
        assertThat(end.state()).isEqualTo(ExecutionState.FAILED);
        assertThat(end.reason()).isEqualTo("MEMORY_LIMIT_EXCEEDED");
    }

    @Test
    void exceedingDiskIsStoppedWithTheReason() {
        // a zero-GiB disk: any byte in home is over the limit
        Launch launch = script("echo data > big.bin; sleep 30", 512, 0, List.of());
        runtime.start(launch);
        PodObservation end = awaitEnd(launch);
        assertThat(end.state()).isEqualTo(ExecutionState.FAILED);
        assertThat(end.reason()).isEqualTo("DISK_LIMIT_EXCEEDED");
    }

    /**
     * A sparse file far past the disk limit costs the home nothing, and would cost the host its whole size if the save
     * wrote it out: the run ends with the disk limit's reason and its home is saved without it.
     */
    @Test
    void aSparseFilePastTheDiskLimitIsNotSaved() throws Exception {
        Launch launch = script("echo kept > kept.txt && truncate -s 2G huge.bin && sleep 30", 512, 1, List.of());
        runtime.start(launch);
        PodObservation end = awaitEnd(launch);
        assertThat(end.reason()).isEqualTo("DISK_LIMIT_EXCEEDED");
        await().atMost(WAIT).until(() -> runtime.saved(launch.executionId()));
        Path saved = root.resolve("workdirs").resolve(launch.executionId());
        assertThat(Files.readString(saved.resolve("kept.txt"))).isEqualTo("kept\n");
        assertThat(saved.resolve("huge.bin")).doesNotExist();
    }

    /**
     * A stop is recorded before the process is ended, so the service may measure the saved home while it is being
     * copied: the home counts as saved only once the copy is whole (it was measured half copied before).
     */
    @Test
    void aHomeCountsAsSavedOnlyOnceItIsCopiedWhole() {
        Launch launch = script("head -c 64M /dev/zero > big.bin && echo written && sleep 60", 512, 1, List.of());
        runtime.start(launch);
        await().atMost(WAIT).until(() -> output(launch).contains("written"));
        assertThat(runtime.saved(launch.executionId())).as("while it runs").isFalse();
        runtime.remove(launch.executionId());
        Path saved = root.resolve("workdirs").resolve(launch.executionId());
        await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                .until(() -> runtime.saved(launch.executionId()));
        assertThat(Dirs.size(saved)).isEqualTo(64L << 20);
    }

    @Test
    void removingAProcessEndsIt() {
        Launch launch = script("sleep 60", 512, 1, List.of());
        runtime.start(launch);
        assertThat(runtime.observe(launch.executionId()).map(PodObservation::state)).contains(ExecutionState.RUNNING);
        runtime.remove(launch.executionId());
        assertThat(runtime.observe(launch.executionId())).isEqualTo(Optional.empty());
        assertThat(runtime.withContainers()).doesNotContain(launch.executionId());
    }

    /**
     * Issue 22: the instance that ran an execution died (its sandboxes with it); the next one to run executions on this
     * machine sees the run as lost, as a pod whose node went, and never runs it again, however often it is asked.
     */
    @Test
    void aRunOfAnInstanceThatDiedIsLostToTheNextAndNeverRunsTwice() {
        Launch launch = script("sleep 60", 512, 1, List.of());
        runtime.start(launch);
        LocalProcessRuntime next = another();
        try {
            close(runtime);
            runtime = null;
            PodObservation lost = next.observe(launch.executionId()).orElseThrow();
            assertThat(lost.state()).isEqualTo(ExecutionState.FAILED);
            assertThat(lost.reason()).isEqualTo("NODE_LOST");
            assertThat(lost.startedAt()).isNull();
            next.start(launch);
            assertThat(next.withContainers()).doesNotContain(launch.executionId());
            assertThat(next.observe(launch.executionId())).map(PodObservation::reason).contains("NODE_LOST");
            // removed once its end is recorded: nothing more to say of it
            next.remove(launch.executionId());
            assertThat(next.observe(launch.executionId())).isEmpty();
            next.start(launch);
            assertThat(next.withContainers()).doesNotContain(launch.executionId());
        } finally {
            close(next);
        }
    }

    /** An instance that finds another leading ends its runs, which the leader reports as lost. */
    @Test
    void endingEveryRunEndsThemAsLost() {
        Launch launch = script("sleep 60", 512, 1, List.of());
        runtime.start(launch);
        runtime.endAll();
        PodObservation end = awaitEnd(launch);
        assertThat(end.state()).isEqualTo(ExecutionState.FAILED);
        assertThat(end.reason()).isEqualTo("NODE_LOST");
    }

    @Test
    void aWorkspaceServesJupyterOnlyOnItsSocket() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/jupyter-notebook")),
                "Debian's jupyter-notebook is not installed");
        Launch launch = new Launch(UUID.randomUUID().toString(), "gear", "alice", "JUPYTER", "local", null,
                new Launch.Resources(1, 2048, 1, 0, null), Map.of(), List.of(), null, null, "t0ken" + System.nanoTime());
        // what the reconciler would see on each notification: the last one must show RUNNING, and RUNNING must
        // mean Jupyter answers (a notification lost before the run was registered left workspaces STARTING until
        // the next resync pass, 19-29 s)
        java.util.List<ExecutionState> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        runtime.onChange(id -> {
            if (id.equals(launch.executionId())) {
                runtime.observe(id).ifPresent(o -> seen.add(o.state()));
            }
        });
        runtime.start(launch);
        WorkspaceEndpoint endpoint = runtime.workspaceEndpoint(launch.executionId()).orElseThrow();
        Path socket = Path.of(endpoint.address().path());
        assertThat(endpoint.token()).isEqualTo(launch.jupyterToken());
        String request = "GET /executions/" + launch.executionId() + "/api/status HTTP/1.0\r\nAuthorization: token "
                + launch.jupyterToken() + "\r\n\r\n";
        await().atMost(WAIT).until(() -> seen.contains(ExecutionState.RUNNING));
        assertThat(overSocket(socket, request)).startsWith("HTTP/1.1 200");
        assertThat(seen).as("STARTING until Jupyter answers, never RUNNING before").containsOnly(
                ExecutionState.STARTING, ExecutionState.RUNNING);
        // another instance on this machine (which does not run it) reaches it with the token recorded for it
        LocalProcessRuntime other = another();
        try {
            assertThat(other.workspaceEndpoint(launch.executionId())).isEmpty();
            WorkspaceEndpoint elsewhere = other.workspaceEndpoint(launch.executionId(), launch.jupyterToken())
                    .orElseThrow();
            assertThat(elsewhere.address().path()).isEqualTo(endpoint.address().path());
            assertThat(elsewhere.token()).isEqualTo(launch.jupyterToken());
            assertThat(overSocket(Path.of(elsewhere.address().path()), request)).startsWith("HTTP/1.1 200");
        } finally {
            close(other);
        }

        runtime.remove(launch.executionId());
        assertThat(runtime.workspaceEndpoint(launch.executionId())).isEmpty();
        await().atMost(WAIT).until(() -> {
            try {
                overSocket(socket, request);
                return false;
            } catch (java.io.IOException e) {
                return true;
            }
        });
    }

    static String overSocket(Path socket, String request) throws java.io.IOException {
        try (java.nio.channels.SocketChannel channel = java.nio.channels.SocketChannel.open(
                java.net.UnixDomainSocketAddress.of(socket))) {
            channel.write(java.nio.ByteBuffer.wrap(request.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            java.io.ByteArrayOutputStream response = new java.io.ByteArrayOutputStream();
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(8192);
            while (channel.read(buffer) > 0) {
                response.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            return response.toString(java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
