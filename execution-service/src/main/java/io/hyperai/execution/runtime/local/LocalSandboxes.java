package io.hyperai.execution.runtime.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

import io.hyperai.execution.config.ExecutionConfig;
import io.hyperai.execution.config.LocalEgress;

/**
 * What this machine offers the local runtime, found out once at start: bubblewrap, whether the service is root (then
 * sandboxes drop to {@code hyperai.execution.sandbox-uid} with setpriv and the directories they use are handed to
 * that user), cgroups, the seccomp program, the sandbox's {@code /etc}. Where something essential is missing,
 * {@link #unavailable()} says what and how to fix it, and no execution starts.
 */
public final class LocalSandboxes {

    private static final Logger LOG = Logger.getLogger(LocalSandboxes.class);
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    private final ExecutionConfig config;
    private final Optional<String> unavailable;
    private final boolean root;
    private final Optional<Cgroups> cgroups;
    private final Path etc;
    private final Path seccomp;
    private final SocketDirs sockets;

    private LocalSandboxes(ExecutionConfig config, Optional<String> unavailable, boolean root, Optional<Cgroups> cgroups,
            Path etc, Path seccomp, SocketDirs sockets) {
        this.config = config;
        this.unavailable = unavailable;
        this.root = root;
        this.cgroups = cgroups;
        this.etc = etc;
        this.seccomp = seccomp;
        this.sockets = sockets;
    }

    public static LocalSandboxes prepare(ExecutionConfig config) {
        Path bwrap = Path.of(config.bwrap());
        if (!Files.isExecutable(bwrap)) {
            return new LocalSandboxes(config, Optional.of("bubblewrap is not installed on this machine, so executions "
                    + "cannot run code here (install it: sudo apt-get install bubblewrap)"), false, Optional.empty(),
                    null, null, null);
        }
        int uid = effectiveUid();
        boolean root = uid == 0;
        Path localRoot = Path.of(config.localRoot()).toAbsolutePath();
        try {
            Files.createDirectories(localRoot);
            SocketDirs sockets = SocketDirs.prepare(config.socketRoot(), localRoot, uid);
            Path etc = SandboxEtc.write(localRoot.resolve(".sandbox/etc"));
            Path seccomp = null;
            Optional<byte[]> filter = SeccompFilter.forThisMachine();
            if (filter.isPresent()) {
                seccomp = Files.write(localRoot.resolve(".sandbox/seccomp.bpf"), filter.get());
            } else {
                LOG.warnf("no seccomp filter for architecture %s: local sandboxes run without one",
                        System.getProperty("os.arch"));
            }
            Optional<String> unreachable = Optional.empty();
            if (root) {
                if (!Files.isExecutable(SETPRIV)) {
                    unreachable = Optional.of("setpriv (util-linux) is missing, so sandboxes cannot drop root");
                } else {
                    unreachable = Stream.of(localRoot.resolve("x"), Path.of(config.warehouseRoot()).toAbsolutePath(),
                            sockets.root().resolve("x"))
                            .map(LocalSandboxes::unsearchableAncestor).flatMap(Optional::stream).findFirst()
                            .map(dir -> "the sandbox user (uid " + config.sandboxUid() + ") cannot reach " + dir
                                    + ": make it searchable (chmod o+x) or keep the platform's data elsewhere");
                }
            }
            if (unreachable.isEmpty() && internet(config) && !Files.isExecutable(Path.of(config.slirp4netns()))) {
                unreachable = Optional.of("hyperai.execution.local-egress is internet, but slirp4netns is not "
                        + "installed (sudo apt-get install slirp4netns)");
            } else if (unreachable.isEmpty() && internet(config) && !root) {
                unreachable = Optional.of("hyperai.execution.local-egress is internet, which needs the service to "
                        + "run as root (to attach slirp4netns to each sandbox's network namespace)");
            }
            Optional<Cgroups> cgroups = root ? Cgroups.detect("hyperai-executions") : Optional.empty();
            return new LocalSandboxes(config, unreachable, root, cgroups, etc, seccomp, sockets);
        } catch (IOException e) {
            return new LocalSandboxes(config, Optional.of("cannot prepare " + localRoot + ": " + e.getMessage()), root,
                    Optional.empty(), null, null, null);
        }
    }

    /** Why no execution can start here, if none can. */
    public Optional<String> unavailable() {
        return unavailable;
    }

    public String describe() {
        return (root ? "as uid " + config.sandboxUid() : "as the service's user") + ", "
                + cgroups.map(Cgroups::describe).orElse("no cgroup (memory watched)") + ", "
                + (seccomp != null ? "seccomp" : "no seccomp") + ", "
                + (internet(config) ? "internet through slirp4netns" : "no network");
    }

    /** A new cgroup for an execution, or none where the machine offers none. */
    public Optional<Cgroups.Cgroup> cgroup(String executionId, long memoryBytes, int vcpu) throws IOException {
        if (cgroups.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(cgroups.get().create(executionId, memoryBytes, config.sandboxPidsMax(), Math.max(1, vcpu)));
    }

    public SandboxCommand command(Optional<Cgroups.Cgroup> cgroup) {
        return new SandboxCommand(Path.of(config.bwrap()), (int) config.sandboxUid(), root, etc,
                cgroup.map(Cgroups.Cgroup::procs).orElse(List.of()), seccomp, internet(config));
    }

    /** The sandbox's way to the internet, where executions have one: a helper process that ends with it. */
    public Optional<Process> network(Process sandbox) throws IOException {
        if (!internet(config)) {
            return Optional.empty();
        }
        return Optional.of(UserModeNetwork.attach(Path.of(config.slirp4netns()), sandbox));
    }

    private static boolean internet(ExecutionConfig config) {
        return config.localEgress() == LocalEgress.INTERNET;
    }

    /** A new directory for a workspace's socket, the sandbox user's. */
    public Path socketDir(String executionId) throws IOException {
        Path dir = sockets.create(executionId);
        handOver(dir);
        return dir;
    }

    /** Where the proxy finds a workspace's Jupyter. */
    public Path socket(String executionId) {
        return sockets.socket(executionId);
    }

    public void removeSocketDir(String executionId) {
        if (sockets == null) {
            return;
        }
        try {
            sockets.remove(executionId);
        } catch (IOException e) {
            LOG.warnf("cannot remove the socket directory of %s: %s", executionId, e.getMessage());
        }
    }

    /** Gives a directory the sandbox writes (its home, its socket directory) to the sandbox user. */
    public void handOver(Path dir) throws IOException {
        if (!root) {
            return;
        }
        int uid = (int) config.sandboxUid();
        try (Stream<Path> tree = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) tree::iterator) {
                Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(p, "unix:gid", uid, LinkOption.NOFOLLOW_LINKS);
            }
        }
    }

    private static Optional<Path> unsearchableAncestor(Path dir) {
        for (Path p = dir.getParent(); p != null; p = p.getParent()) {
            try {
                if (Files.exists(p) && !Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    return Optional.of(p);
                }
            } catch (IOException e) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static int effectiveUid() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Uid:"))
                    .map(l -> Integer.parseInt(l.split("\\s+")[2])).findFirst().orElse(-1);
        } catch (IOException e) {
            return -1;
        }
    }
}
