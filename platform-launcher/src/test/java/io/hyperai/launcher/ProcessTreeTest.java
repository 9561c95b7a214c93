package io.hyperai.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real processes (sh, sleep): no stopped child may leave a grandchild behind. */
class ProcessTreeTest {

    @TempDir
    Path tmp;

    /** Like kc.sh without its trap: SIGTERM kills the shell, and its child would be orphaned. */
    private ChildProcess shellWithChild(String name) throws Exception {
        ChildProcess p = ChildProcess.start(name, List.of("sh", "-c", "sleep 300 & echo child $!; wait"), Map.of(), tmp,
                tmp.resolve(name + ".log"));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (Procs.tree(p.pid()).size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return p;
    }

    @Test
    void stopTakesTheWholeTreeDown() throws Exception {
        ChildProcess p = shellWithChild("tree");
        List<ProcessHandle> tree = Procs.tree(p.pid());
        assertThat(tree).hasSize(2);
        if (Procs.hasSetsid()) {
            assertThat(Procs.processGroup(p.pid())).isEqualTo(p.pid());
        }
        p.stop(Duration.ofSeconds(5));
        assertThat(tree).noneMatch(h -> Procs.isRunning(h.pid()));
        assertThat(Files.readString(tmp.resolve("tree.log"))).contains("starting tree").contains("child ");
    }

    @Test
    void theWatchdogStopsWhatIsStillRegisteredWhenItsPipeCloses() throws Exception {
        ChildProcess kept = shellWithChild("kept");
        ChildProcess forgotten = shellWithChild("forgotten");
        List<ProcessHandle> keptTree = Procs.tree(kept.pid());
        try (Watchdog w = Watchdog.start()) {
            w.watch(kept.pid());
            w.watch(forgotten.pid());
            w.forget(forgotten.pid());
        } // close = what the launcher's death does to the pipe
        assertThat(Procs.waitGone(keptTree, Duration.ofSeconds(10))).isTrue();
        assertThat(forgotten.isAlive()).isTrue();
        forgotten.stop(Duration.ofSeconds(5));
        assertThat(forgotten.isAlive()).isFalse();
    }

    @Test
    void staleProcessesAreRecognisedByPidAndStartTime() throws Exception {
        ChildProcess p = shellWithChild("stale");
        try {
            assertThat(Procs.isSameProcess(p.pid(), p.startMillis())).isTrue();
            assertThat(Procs.isSameProcess(p.pid(), p.startMillis() - 60_000)).isFalse();
        } finally {
            p.stop(Duration.ofSeconds(5));
        }
        assertThat(Procs.isSameProcess(p.pid(), p.startMillis())).isFalse();
    }
}
