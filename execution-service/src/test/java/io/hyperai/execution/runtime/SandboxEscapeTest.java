package io.hyperai.execution.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import io.hyperai.execution.ExecutionState;

/**
 * Hostile code on the local runtime, one attack per test, each run in a real sandbox: the attack fails, and the
 * runtime and the other executions are unharmed. (The attacks that need the whole platform, its ports and its
 * workspaces, are in platform-e2e's {@code EscapeIT}.)
 */
class SandboxEscapeTest extends LocalRuntimeFixture {

    private static final Set<String> DOCUMENTED_ENV = Set.of("HOME", "PATH", "LANG", "USER", "HYPERAI_EXECUTION_ID",
            "HYPERAI_GEAR_ID", "HYPERAI_MODE");

    @Test
    void theServiceEnvironmentIsNotInherited() {
        Launch launch = script("for f in /proc/[0-9]*/environ; do tr '\\0' '\\n' < $f; done | cut -d= -f1 | sort -u",
                256, 1, List.of());
        assertThat(run(launch).state()).isEqualTo(ExecutionState.SUCCEEDED);
        Set<String> names = new TreeSet<>(Arrays.asList(output(launch).trim().split("\n")));
        // the shell adds its own PWD, SHLVL and _; nothing of the service's (JAVA_HOME, QUARKUS_*, MAVEN_*, ...)
        names.removeAll(Set.of("PWD", "SHLVL", "_", "OLDPWD"));
        assertThat(names).isSubsetOf(DOCUMENTED_ENV);
        assertThat(System.getenv().keySet().stream().filter(k -> !DOCUMENTED_ENV.contains(k)))
                .as("the service has variables of its own, so the check above means something").isNotEmpty();
    }

    @Test
    void theHostEtcIsNotThere() {
        Launch launch = script("cat /etc/shadow; echo shadow=$?; cat /etc/hostname; echo hostname=$?; "
                + "grep -c : /etc/passwd; id -un", 256, 1, List.of());
        run(launch);
        String out = output(launch);
        assertThat(out).contains("shadow=1").contains("hostname=1").contains("hyperai");
        assertThat(out).doesNotContain("root:$").doesNotContain("root:*");
    }

    @Test
    void otherExecutionsAndTheServiceDataAreOutOfReach() throws Exception {
        Launch victim = script("echo victim-secret > secret.txt; sleep 30", 256, 1, List.of());
        runtime.start(victim);
        Path victimHome = root.resolve("executions").resolve(victim.executionId()).resolve("home");
        await().atMost(WAIT).until(() -> Files.exists(victimHome.resolve("secret.txt")));
        Launch thief = script("cat " + victimHome + "/secret.txt; ls " + root + "; echo ls=$?; "
                + "grep -rs victim-secret / --exclude-dir=proc --exclude-dir=sys --exclude-dir=usr; echo grep=$?", 256, 1, List.of());
        run(thief);
        String out = output(thief);
        // grep prints "path:victim-secret" for a match and exits 0; 1 or 2 (unreadable files) when nothing matched
        assertThat(out).doesNotContain("victim-secret\n").contains("ls=2").doesNotContain("grep=0");
        runtime.remove(victim.executionId());
    }

    @Test
    void noPortOfTheHostLoopbackIsReachable() throws Exception {
        AtomicInteger accepted = new AtomicInteger();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
                            accepted.incrementAndGet();
                        }
                    }
                } catch (Exception e) {
                    // closed
                }
            });
            acceptor.start();
            Launch launch = script("python3 -c \"import socket\ntry:\n socket.create_connection(('127.0.0.1', "
                    + server.getLocalPort() + "), timeout=3); print('connected')\nexcept OSError as e: print('refused', e)\"",
                    256, 1, List.of());
            run(launch);
            assertThat(output(launch)).contains("refused").doesNotContain("connected");
            assertThat(accepted).hasValue(0);
        }
    }

    @Test
    void ptraceMountUnshareAndNewPrivilegesAreRefused() {
        Launch launch = script("sleep 30 & python3 -c \"import ctypes, os\n"
                + "libc = ctypes.CDLL(None, use_errno=True)\n"
                + "print('ptrace', libc.ptrace(16, " + "int(os.environ.get('SIB', '0')) or os.getppid(), 0, 0), ctypes.get_errno())\n"
                + "print('mount', libc.mount(b'none', b'/tmp', b'tmpfs', 0, None), ctypes.get_errno())\n"
                + "print('unshare', libc.unshare(0x10000000), ctypes.get_errno())\n"
                + "print('keyctl', libc.syscall(250, 0, 0, 0, 0, 0), ctypes.get_errno())\n"
                + "print('bpf', libc.syscall(321, 0, 0, 0), ctypes.get_errno())\n"
                + "print('userfaultfd', libc.syscall(323, 0), ctypes.get_errno())\"; "
                + "grep -E 'NoNewPrivs|Seccomp:|CapEff' /proc/self/status", 256, 1, List.of());
        run(launch);
        String out = output(launch);
        assertThat(out).contains("ptrace -1 1").contains("mount -1 1").contains("unshare -1 1")
                .contains("keyctl -1 1").contains("bpf -1 1").contains("userfaultfd -1 1");
        assertThat(out).containsPattern("NoNewPrivs:\\s+1").containsPattern("Seccomp:\\s+2")
                .containsPattern("CapEff:\\s+0+\\n");
    }

    @Test
    void killingEverythingItSeesHarmsOnlyItself() {
        Launch bystander = script("sleep 5; echo still-here", 256, 1, List.of());
        runtime.start(bystander);
        Launch killer = script("kill -9 -1; kill -9 1; kill -9 $PPID; echo tried", 256, 1, List.of());
        run(killer);
        PodObservation end = awaitEnd(bystander);
        assertThat(end.state()).isEqualTo(ExecutionState.SUCCEEDED);
        assertThat(output(bystander)).contains("still-here");
    }

    @Test
    void aForkBombStopsAtThePidsLimit() {
        Assumptions.assumeTrue(pidsCgroup(), "no pids cgroup on this machine: a fork bomb would reach the host");
        Launch bomb = script("bomb() { bomb | bomb & }; bomb; sleep 60", 256, 1, List.of());
        runtime.start(bomb);
        Launch bystander = script("sleep 3; echo alive", 256, 1, List.of());
        PodObservation end = run(bystander);
        assertThat(end.state()).isEqualTo(ExecutionState.SUCCEEDED);
        assertThat(output(bystander)).contains("alive");
        runtime.remove(bomb.executionId());
        assertThat(runtime.withContainers()).doesNotContain(bomb.executionId());
    }

    @Test
    void memoryThroughATmpfsFileIsTheExecutionsOwn() {
        Launch launch = script("dd if=/dev/zero of=/tmp/fill bs=1M count=512 2>&1; echo dd=$?; "
                + "dd if=/dev/zero of=/dev/shm/fill bs=1M count=512 2>&1; echo shm=$?; sleep 5", 128, 1, List.of());
        PodObservation end = run(launch);
        // either the kernel's memory limit ends it, or the tmpfs is full at the limit first: never 512 MiB held
        if (end.state() == ExecutionState.FAILED) {
            assertThat(end.reason()).isEqualTo("MEMORY_LIMIT_EXCEEDED");
        } else {
            assertThat(output(launch)).contains("No space left on device");
        }
    }

    @Test
    void aGibibyteOfOutputIsCappedAndMarked() throws Exception {
        Launch launch = script("head -c 1073741824 /dev/zero | tr '\\0' 'x'; echo; echo done", 256, 1, List.of());
        PodObservation end = run(launch);
        assertThat(end.state()).isEqualTo(ExecutionState.SUCCEEDED);
        Path log = root.resolve("executions").resolve(launch.executionId()).resolve("output.log");
        await().atMost(WAIT).until(() -> Files.readString(log.resolveSibling("output.log"), StandardCharsets.ISO_8859_1)
                .endsWith("]\n"));
        assertThat(Files.size(log)).isLessThan(OUTPUT_CAP + 200);
        String tail = output(launch).substring((int) OUTPUT_CAP - 10);
        assertThat(tail).contains("output truncated").contains(String.valueOf(OUTPUT_CAP));
    }

    @Test
    void binaryOutputIsKeptAsWritten() {
        Launch launch = script("printf 'a\\377\\376\\000b\\303'", 256, 1, List.of());
        run(launch);
        assertThat(outputBytes(launch)).containsExactly('a', 0xff, 0xfe, 0, 'b', 0xc3);
    }

    @Test
    void withoutBubblewrapNothingRunsAndTheReasonIsGiven() {
        Map<String, Object> values = new java.util.HashMap<>(Map.of("localRoot", root.resolve("other").toString(),
                "bwrap", "/nonexistent/bwrap", "workdirsRoot", root.toString(), "warehouseRoot", root.toString()));
        LocalProcessRuntime without = new LocalProcessRuntime(config(values));
        try {
            assertThat(without.unavailable()).hasValueSatisfying(why -> assertThat(why).contains("bubblewrap")
                    .contains("apt-get install bubblewrap"));
        } finally {
            without.close();
        }
    }

    private static boolean pidsCgroup() {
        try {
            return Files.isWritable(Path.of("/sys/fs/cgroup/pids/cgroup.procs"))
                    || Files.readString(Path.of("/sys/fs/cgroup/cgroup.controllers")).contains("pids");
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
