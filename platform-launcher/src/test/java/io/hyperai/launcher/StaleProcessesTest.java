package io.hyperai.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a launcher killed with -9 left running, as its run state recorded it: every instance of a service too. */
class StaleProcessesTest {

    @TempDir
    Path data;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void kill() {
        started.forEach(Process::destroyForcibly);
    }

    @Test
    void everyRecordedInstanceIsStoppedAndPostgresIsLeftToItsOwnRecovery() throws Exception {
        RunState state = new RunState(data);
        Process first = record(state, "billing-1");
        Process second = record(state, "billing-2");
        Process postgres = record(state, "postgres"); // cleans up after itself on its next start

        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        StaleProcesses.stop(data, new PrintStream(buffer, true, StandardCharsets.UTF_8));

        assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(second.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(postgres.isAlive()).isTrue();
        assertThat(buffer.toString(StandardCharsets.UTF_8).lines()).containsExactlyInAnyOrder(
                "Stopping billing-1 (pid " + first.pid() + ") left running by an earlier launcher",
                "Stopping billing-2 (pid " + second.pid() + ") left running by an earlier launcher");
    }

    private Process record(RunState state, String key) throws Exception {
        Process p = new ProcessBuilder("sleep", "300").start();
        started.add(p);
        state.recordProcess(key, p.pid(), Procs.startMillis(p.pid()));
        return p;
    }
}
