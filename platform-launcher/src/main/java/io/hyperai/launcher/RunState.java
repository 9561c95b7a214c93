package io.hyperai.launcher;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * What a running {@code up} leaves in {@code <data>/run}: a lock held for its whole life (the operating system drops
 * it when the process dies, however it dies), its pid, and {@code platform.properties} with the port, pid and state
 * of every component, which {@code status}, {@code down} and the next {@code up} read.
 */
final class RunState {

    static final String LOCK_FILE = "platform.lock";
    static final String PID_FILE = "launcher.pid";
    static final String STATE_FILE = "platform.properties";

    private final Path dir;
    private final Properties props = new Properties();
    private FileChannel lockChannel;
    private FileLock lock;

    RunState(Path dataDir) {
        this.dir = dataDir.resolve("run");
    }

    Path dir() {
        return dir;
    }

    /** Takes the lock of this data folder; false if another launcher holds it. */
    synchronized boolean tryLock() {
        try {
            Files.createDirectories(dir);
            lockChannel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            lock = lockChannel.tryLock();
            if (lock == null) {
                lockChannel.close();
                lockChannel = null;
                return false;
            }
            return true;
        } catch (OverlappingFileLockException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot lock " + dir.resolve(LOCK_FILE), e);
        }
    }

    synchronized void unlock() {
        try {
            if (lock != null) {
                lock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException e) {
            // released with the process anyway
        }
        lock = null;
        lockChannel = null;
    }

    /** Whether a launcher (another process) holds the lock of the data folder at {@code dataDir}. */
    static boolean isHeld(Path dataDir) {
        Path lockFile = dataDir.resolve("run").resolve(LOCK_FILE);
        if (!Files.exists(lockFile)) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock l = ch.tryLock();
            if (l == null) {
                return true;
            }
            l.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static Optional<Long> launcherPid(Path dataDir) {
        Path f = dataDir.resolve("run").resolve(PID_FILE);
        try {
            return Files.exists(f) ? Procs.readPid(Files.readString(f)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    void writeLauncherPid(long pid) {
        writeAtomically(dir.resolve(PID_FILE), pid + "\n");
    }

    void deleteLauncherPid() {
        try {
            Files.deleteIfExists(dir.resolve(PID_FILE));
        } catch (IOException e) {
            // harmless: the lock says whether it runs
        }
    }

    /** Reads {@code platform.properties} (empty if there is none). */
    static Properties read(Path dataDir) {
        Properties p = new Properties();
        Path f = dataDir.resolve("run").resolve(STATE_FILE);
        if (Files.exists(f)) {
            try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                // treat as empty
            }
        }
        return p;
    }

    /**
     * Each component's port and first state, and each service's instances ({@code instances.<service>}, and with
     * {@code --replicas} {@code port.<instance>} and {@code state.<instance>}): what {@code status} shows without the
     * options {@code up} was given.
     */
    synchronized void recordLayout(Options opt) {
        set("replicas", opt.replicas());
        for (Component c : Component.values()) {
            String first = opt.runs(c) ? "stopped" : "skipped";
            set("port." + c.key(), opt.port(c));
            set("state." + c.key(), first);
            if (c.isService()) {
                List<Instance> own = opt.instances(c);
                set("instances." + c.key(), own.size());
                for (Instance i : own) {
                    if (i.numbered()) {
                        set("port." + i.key(), i.port());
                        set("state." + i.key(), first);
                    }
                }
            }
        }
    }

    /** The instances of {@code service} as {@link #recordLayout} recorded them: one, unless replicated. */
    static List<Instance> instances(Properties state, Component service) {
        int n = Integer.parseInt(state.getProperty("instances." + service.key(), "1"));
        if (n <= 1) {
            return List.of(Instance.only(service, port(state, service.key(), service.defaultPort())));
        }
        List<Instance> out = new ArrayList<>();
        for (int number = 1; number <= n; number++) {
            out.add(new Instance(service, number, port(state, Instance.key(service, number), 0)));
        }
        return out;
    }

    /**
     * The keys of the processes {@code c} runs as ({@code pid.<key>}): a service's instances, or the one process of
     * the infrastructure (PostgreSQL, Kafka, Keycloak).
     */
    static List<String> processKeys(Properties state, Component c) {
        return c.isService() ? instances(state, c).stream().map(Instance::key).toList() : List.of(c.key());
    }

    private static int port(Properties state, String key, int otherwise) {
        return Integer.parseInt(state.getProperty("port." + key, Integer.toString(otherwise)));
    }

    synchronized void set(String key, Object value) {
        props.setProperty(key, String.valueOf(value));
    }

    synchronized void remove(String key) {
        props.remove(key);
    }

    void recordProcess(Component c, long pid, long startMillis) {
        recordProcess(c.key(), pid, startMillis);
    }

    /** @param key a component's key, or an {@link Instance#key() instance's} */
    synchronized void recordProcess(String key, long pid, long startMillis) {
        props.setProperty("pid." + key, Long.toString(pid));
        props.setProperty("pidstart." + key, Long.toString(startMillis));
        save();
    }

    void forgetProcess(Component c) {
        forgetProcess(c.key());
    }

    synchronized void forgetProcess(String key) {
        props.remove("pid." + key);
        props.remove("pidstart." + key);
        save();
    }

    void state(Component c, String state) {
        state(c.key(), state);
    }

    synchronized void state(String key, String state) {
        props.setProperty("state." + key, state);
        save();
    }

    synchronized void save() {
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(STATE_FILE + ".tmp");
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                props.store(w, "written by the HyperAI platform launcher; read by ./platform status|down");
            }
            Files.move(tmp, dir.resolve(STATE_FILE), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + dir.resolve(STATE_FILE), e);
        }
    }

    private static void writeAtomically(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }
}
