package io.hyperai.execution.runtime.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jboss.logging.Logger;

/**
 * Kernel limits for local sandboxes: a cgroup per execution with memory (tmpfs pages included, so {@code /tmp}
 * counts), pids and CPU limits, under the service's own cgroup. Works with the unified hierarchy (v2:
 * {@code memory.max}, {@code pids.max}, {@code cpu.max}) and with the v1 controllers (memory, pids, cpu) that some
 * machines still mount; where neither is writable there are none, and the runtime's watcher is the only guard.
 */
public final class Cgroups {

    private static final Logger LOG = Logger.getLogger(Cgroups.class);
    private static final Path ROOT = Path.of("/sys/fs/cgroup");
    private static final long CPU_PERIOD_US = 100_000;

    enum Version { V1, V2 }

    private final Version version;
    /** v2: the one parent directory; v1: a parent per controller (memory, pids, cpu). */
    private final Map<String, Path> parents;

    private Cgroups(Version version, Map<String, Path> parents) {
        this.version = version;
        this.parents = parents;
        removeLeftovers();
    }

    /** Cgroups of executions that ended with a previous instance of the service (empty ones only: rmdir refuses others). */
    private void removeLeftovers() {
        for (Path parent : parents.values()) {
            try (java.util.stream.Stream<Path> children = Files.list(parent)) {
                // a minute old at least: another instance on this machine may be about to move a sandbox into a new one
                long before = System.currentTimeMillis() - 60_000;
                children.filter(Files::isDirectory).filter(dir -> modifiedBefore(dir, before)).forEach(dir -> {
                    try {
                        Files.delete(dir);
                    } catch (IOException e) {
                        // still has processes, or not ours to remove
                    }
                });
            } catch (IOException e) {
                LOG.debugf("cannot list %s: %s", parent, e.getMessage());
            }
        }
    }

    /** The hierarchy this machine lets the service use, if any; {@code name} is the directory made for it. */
    public static Optional<Cgroups> detect(String name) {
        try {
            List<String> self = Files.readAllLines(Path.of("/proc/self/cgroup"));
            if (Files.exists(ROOT.resolve("cgroup.controllers"))) {
                return v2(self, name);
            }
            return v1(self, name);
        } catch (IOException | RuntimeException e) {
            LOG.warnf("no cgroup limits for local executions: %s", e.getMessage());
            return Optional.empty();
        }
    }

    private static Optional<Cgroups> v2(List<String> self, String name) throws IOException {
        String path = self.stream().filter(l -> l.startsWith("0::")).findFirst().orElseThrow().substring(3);
        Path own = ROOT.resolve(path.substring(1));
        // a v2 cgroup with processes cannot delegate controllers: the sandboxes go beside the service, in its parent
        Path base = own.getParent() == null ? own : own.getParent();
        Path parent = base.resolve(name);
        Files.createDirectories(parent);
        Files.writeString(base.resolve("cgroup.subtree_control"), "+memory +pids +cpu");
        Files.writeString(parent.resolve("cgroup.subtree_control"), "+memory +pids +cpu");
        return Optional.of(new Cgroups(Version.V2, Map.of("unified", parent)));
    }

    private static Optional<Cgroups> v1(List<String> self, String name) throws IOException {
        Map<String, Path> parents = new LinkedHashMap<>();
        for (String controller : List.of("memory", "pids", "cpu")) {
            Path mount = ROOT.resolve(controller);
            if (!Files.isWritable(mount.resolve("cgroup.procs"))) {
                continue;
            }
            String own = self.stream().map(l -> l.split(":", 3))
                    .filter(f -> f.length == 3 && List.of(f[1].split(",")).contains(controller)).map(f -> f[2])
                    .findFirst().orElse("/");
            Path parent = mount.resolve(own.substring(1)).resolve(name);
            Files.createDirectories(parent);
            parents.put(controller, parent);
        }
        if (!parents.containsKey("memory")) {
            LOG.warn("no writable memory cgroup: local executions' memory is only watched, not limited by the kernel");
            return Optional.empty();
        }
        return Optional.of(new Cgroups(Version.V1, parents));
    }

    private static boolean modifiedBefore(Path dir, long millis) {
        try {
            return Files.getLastModifiedTime(dir).toMillis() < millis;
        } catch (IOException e) {
            return false;
        }
    }

    /** Which hierarchy and which controllers, for the log line at start. */
    public String describe() {
        return "cgroup " + version.name().toLowerCase() + " " + parents.keySet();
    }

    /** A cgroup for one execution with its limits set; processes join it by writing to {@link Cgroup#procs()}. */
    public Cgroup create(String id, long memoryBytes, int pidsMax, int vcpu) throws IOException {
        List<Path> dirs = new ArrayList<>();
        for (Map.Entry<String, Path> parent : parents.entrySet()) {
            Path dir = parent.getValue().resolve(id);
            Files.createDirectories(dir);
            dirs.add(dir);
            if (version == Version.V2) {
                write(dir, "memory.max", memoryBytes);
                write(dir, "memory.swap.max", 0);
                write(dir, "pids.max", pidsMax);
                Files.writeString(dir.resolve("cpu.max"), vcpu * CPU_PERIOD_US + " " + CPU_PERIOD_US);
            } else {
                switch (parent.getKey()) {
                    case "memory" -> {
                        write(dir, "memory.limit_in_bytes", memoryBytes);
                        if (Files.exists(dir.resolve("memory.memsw.limit_in_bytes"))) {
                            write(dir, "memory.memsw.limit_in_bytes", memoryBytes);
                        }
                    }
                    case "pids" -> write(dir, "pids.max", pidsMax);
                    case "cpu" -> {
                        write(dir, "cpu.cfs_period_us", CPU_PERIOD_US);
                        write(dir, "cpu.cfs_quota_us", vcpu * CPU_PERIOD_US);
                    }
                    default -> throw new IllegalStateException(parent.getKey());
                }
            }
        }
        return new Cgroup(version, dirs);
    }

    private static void write(Path dir, String file, long value) throws IOException {
        Path f = dir.resolve(file);
        if (Files.exists(f)) {
            Files.writeString(f, Long.toString(value));
        }
    }

    /** One execution's cgroup (a directory per v1 controller, one in v2). */
    public record Cgroup(Version version, List<Path> dirs) {

        /** The files a process writes its pid into to join (before it starts the sandbox). */
        public List<Path> procs() {
            return dirs.stream().map(d -> d.resolve("cgroup.procs")).toList();
        }

        /** How many processes the kernel's OOM killer ended in this cgroup. */
        public long oomKills() {
            Path memory = dirs.get(0);
            String file = version == Version.V2 ? "memory.events" : "memory.oom_control";
            try {
                for (String line : Files.readAllLines(memory.resolve(file))) {
                    if (line.startsWith("oom_kill ")) {
                        return Long.parseLong(line.substring("oom_kill ".length()).trim());
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // gone with its execution
            }
            return 0;
        }

        /** Kills every process in it, however it got there (a forked child that left the sandbox's tree). */
        public void killAll() {
            for (Path procs : procs()) {
                try {
                    Files.readAllLines(procs).forEach(pid -> ProcessHandle.of(Long.parseLong(pid.trim()))
                            .ifPresent(ProcessHandle::destroyForcibly));
                } catch (IOException | NumberFormatException e) {
                    // already gone
                }
            }
        }

        /** Removes the directories once the processes are gone; a busy one is left for the next try. */
        public boolean remove() {
            boolean all = true;
            for (Path dir : dirs) {
                try {
                    Files.deleteIfExists(dir);
                } catch (IOException e) {
                    all = false;
                }
            }
            return all;
        }
    }
}
