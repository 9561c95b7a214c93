package io.hyperai.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real processes stand in for a service ({@code sh -c 'exit 3'}, {@code sleep}); the clock is the test's, so the
 * delays are checked exactly without waiting for them.
 */
class SupervisorTest {

    private static final String CRASH = "echo starting; exit 3";
    private static final String SERVE = "exec sleep 300";
    private static final Instance STORAGE = Instance.only(Component.STORAGE, 8104);

    @TempDir
    Path data;

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final Deque<String> commands = new ArrayDeque<>();
    private final List<ChildProcess> started = new ArrayList<>();
    private final List<Long> forgotten = new ArrayList<>();
    /** What the last started process's {@code /q/health/live} says. */
    private final AtomicBoolean live = new AtomicBoolean(true);
    private RunState state;
    private Supervisor.Services services;
    private Supervisor supervisor;

    @BeforeEach
    void setUp() {
        state = new RunState(data);
        services = new Supervisor.Services() {
            @Override
            public void start(Instance instance) {
                String script = commands.isEmpty() ? SERVE : commands.poll();
                ChildProcess p = ChildProcess.start(instance.name(), List.of("sh", "-c", script), Map.of(), data,
                        data.resolve("logs").resolve(instance.logName()));
                started.add(p);
                state.recordProcess(instance.key(), p.pid(), p.startMillis()); // as up records it
                supervisor.watch(instance, p);
            }

            @Override
            public boolean ready(Instance instance) {
                return last().isAlive();
            }

            @Override
            public boolean live(Instance instance) {
                return live.get() && last().isAlive();
            }

            @Override
            public void exited(Instance instance, ChildProcess process) {
                forgotten.add(process.pid());
            }
        };
        supervisor = new Supervisor(services, state, new PrintStream(output, true, StandardCharsets.UTF_8),
                Backoff.DEFAULT, Supervisor.STABLE, clock::get);
    }

    @AfterEach
    void stopAll() {
        started.forEach(p -> p.stop(Duration.ofSeconds(5)));
    }

    @Test
    void aServiceThatExitsIsStartedAgainAfterGrowingDelaysWithOneLineEach() throws Exception {
        commands.addAll(List.of(CRASH, CRASH));
        startStorage();
        awaitExit(last());
        supervisor.tick();
        assertThat(lines()).containsExactly(
                "storage-service exited (code 3) unexpectedly; restarting in 1 s (restart 1)");
        assertThat(RunState.read(data)).containsEntry("state.storage", "exited").containsEntry("restarts.storage", "1");
        assertThat(forgotten).containsExactly(started.get(0).pid());

        advance(Duration.ofMillis(999));
        assertThat(started).hasSize(1); // not before its delay
        advance(Duration.ofMillis(1));
        assertThat(started).hasSize(2);
        awaitExit(last());
        supervisor.tick();
        assertThat(lines()).last().isEqualTo(
                "storage-service exited (code 3) unexpectedly; restarting in 2 s (restart 2)");

        advance(Duration.ofSeconds(2));
        assertThat(started).hasSize(3);
        supervisor.tick();
        assertThat(RunState.read(data)).containsEntry("state.storage", "ready");

        kill9(last()); // before it stayed up for a while: the delay keeps growing
        supervisor.tick();
        assertThat(lines()).last().isEqualTo(
                "storage-service exited (code 137) unexpectedly; restarting in 4 s (restart 3)");

        advance(Duration.ofSeconds(4));
        supervisor.tick(); // ready
        advance(Supervisor.STABLE);
        kill9(last());
        supervisor.tick();
        assertThat(lines()).hasSize(4).last().isEqualTo(
                "storage-service exited (code 137) unexpectedly; restarting in 1 s (restart 4)");
        assertThat(supervisor.restarts(STORAGE)).isEqualTo(4);
        assertThat(started).hasSize(4).allMatch(p -> !p.isAlive());
    }

    @Test
    void statusShowsTheRestartCount() throws Exception {
        commands.add(CRASH);
        startStorage();
        awaitExit(last());
        supervisor.tick();
        advance(Duration.ofSeconds(1));
        supervisor.tick(); // ready

        assertThat(state.tryLock()).isTrue(); // what a running up holds
        try {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            Options opt = Options.parse(new String[] { "status", "--data", data.toString() }, Map.of(), data, data);
            Status.run(opt, new PrintStream(buffer, true, StandardCharsets.UTF_8));
            String status = buffer.toString(StandardCharsets.UTF_8);
            assertThat(status).contains("RESTARTS");
            assertThat(status.lines().filter(l -> l.contains("storage-service")).findFirst().orElseThrow())
                    .matches("\\s*storage-service\\s+8104\\s+" + last().pid() + "\\s+1\\s+.*");
            assertThat(status.lines().filter(l -> l.contains("billing-service")).findFirst().orElseThrow())
                    .matches("\\s*billing-service\\s+8105\\s+-\\s+0\\s+.*");
        } finally {
            state.unlock();
        }
    }

    @Test
    void aProcessReplacedOnPurposeIsNoCrash() throws Exception {
        startStorage();
        last().stop(Duration.ofSeconds(5)); // what ./platform restart does before it starts the service again
        services.start(STORAGE);
        supervisor.tick();
        assertThat(lines()).isEmpty();
        assertThat(supervisor.restarts(STORAGE)).isZero();
    }

    @Test
    void eachInstanceIsRestartedOnItsOwnUnderItsOwnName() throws Exception {
        Instance first = new Instance(Component.BILLING, 1, 8115);
        Instance second = new Instance(Component.BILLING, 2, 8125);
        services.start(first);
        services.start(second);
        ChildProcess firstProcess = started.get(0);
        supervisor.tick(); // both ready

        kill9(started.get(1));
        supervisor.tick();
        assertThat(lines()).containsExactly(
                "billing-service-2 exited (code 137) unexpectedly; restarting in 1 s (restart 1)");
        assertThat(RunState.read(data)).containsEntry("state.billing-2", "exited")
                .containsEntry("restarts.billing-2", "1").containsEntry("state.billing-1", "ready")
                .doesNotContainKey("restarts.billing-1").doesNotContainKey("state.billing");

        advance(Duration.ofSeconds(1));
        assertThat(started).hasSize(3);
        assertThat(RunState.read(data)).containsEntry("pid.billing-2", Long.toString(last().pid()))
                .containsEntry("pid.billing-1", Long.toString(firstProcess.pid()));
        assertThat(firstProcess.isAlive()).isTrue(); // the other instance kept serving
        assertThat(supervisor.restarts(first)).isZero();
        assertThat(supervisor.restarts(second)).isEqualTo(1);
    }

    @Test
    void aServiceThatStaysNotLiveIsStoppedAndStartedAgainAsItsLivenessProbeWouldHaveIt() {
        startStorage();
        supervisor.tick(); // ready
        ChildProcess first = last();

        live.set(false);
        advance(Supervisor.LIVENESS_PERIOD);
        advance(Supervisor.LIVENESS_PERIOD); // two failed checks
        live.set(true);
        advance(Supervisor.LIVENESS_PERIOD); // one that passes starts the count over
        live.set(false);
        advance(Supervisor.LIVENESS_PERIOD);
        advance(Supervisor.LIVENESS_PERIOD);
        advance(Supervisor.LIVENESS_PERIOD.minusMillis(1)); // checks are a period apart
        assertThat(first.isAlive()).isTrue();
        assertThat(lines()).isEmpty();

        advance(Duration.ofMillis(1)); // the third failed check in a row
        assertThat(first.isAlive()).isFalse();
        assertThat(first.exitCode()).isEqualTo(143); // SIGTERM first: it may stop gracefully
        assertThat(lines()).containsExactly("storage-service was not live for 3 checks in a row; stopped (code 143); "
                + "restarting in 1 s (restart 1)");
        assertThat(RunState.read(data)).containsEntry("state.storage", "exited").containsEntry("restarts.storage", "1");
        assertThat(forgotten).containsExactly(first.pid());

        live.set(true);
        advance(Duration.ofSeconds(1));
        assertThat(started).hasSize(2);
        supervisor.tick(); // ready
        advance(Supervisor.LIVENESS_PERIOD.multipliedBy(Supervisor.LIVENESS_FAILURES));
        assertThat(last().isAlive()).isTrue();
        assertThat(lines()).hasSize(1);
        assertThat(supervisor.restarts(STORAGE)).isEqualTo(1);
    }

    /** As up starts it; then the supervisor watches it. */
    private void startStorage() {
        services.start(STORAGE);
    }

    private void advance(Duration d) {
        clock.addAndGet(d.toNanos());
        supervisor.tick();
    }

    private ChildProcess last() {
        return started.get(started.size() - 1);
    }

    private List<String> lines() {
        return output.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private static void kill9(ChildProcess p) throws Exception {
        ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly);
        awaitExit(p);
    }

    private static void awaitExit(ChildProcess p) throws Exception {
        for (int i = 0; i < 500 && p.isAlive(); i++) {
            Thread.sleep(20);
        }
        assertThat(p.isAlive()).as("%s still runs", p).isFalse();
    }
}
