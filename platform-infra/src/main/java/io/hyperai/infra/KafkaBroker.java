package io.hyperai.infra;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

/**
 * A real single-node Kafka (KRaft, broker + controller) running in a child JVM
 * ({@code io.hyperai.kafka.BrokerMain} from {@code platform-kafka-broker}).
 *
 * <ul>
 * <li>Data lives in {@code dataDir} (Kafka's log dir is {@code dataDir/logs}); starting again on
 * the same directory keeps topics and records.</li>
 * <li>The child's stdout and stderr are appended to the file {@link #logFile()} =
 * {@code <dataDir>.log} (a sibling of the data directory, e.g. {@code /x/kafka} logs to
 * {@code /x/kafka.log}).</li>
 * <li>The child's stdin is a pipe held by this JVM. The child stops when it reads EOF, so it dies
 * with this JVM, even on {@code kill -9}. A JVM shutdown hook also stops it gracefully.</li>
 * <li>Kafka's jars are never loaded in this JVM: the child's classpath is the jar or directory
 * holding {@code io/hyperai/kafka/BrokerMain.class} plus the entries listed in its
 * {@code META-INF/hyperai/kafka-broker.classpath} resource (written at build time).</li>
 * </ul>
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(KafkaBroker.class);

    public static final String MAIN_CLASS = "io.hyperai.kafka.BrokerMain";
    static final String MAIN_CLASS_RESOURCE = "io/hyperai/kafka/BrokerMain.class";
    static final String CLASSPATH_RESOURCE = "META-INF/hyperai/kafka-broker.classpath";
    static final String READY_PREFIX = "KAFKA-READY ";

    /** Upper bound for the child to print its ready line. */
    public static final long START_TIMEOUT_MS = 60_000;
    /** How long {@link #stop()} waits for a graceful exit before killing. */
    public static final long STOP_TIMEOUT_MS = 15_000;

    private static final Set<KafkaBroker> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (KafkaBroker b : LIVE) {
                try {
                    b.stop();
                } catch (RuntimeException e) {
                    // best effort while the JVM exits
                }
            }
        }, "kafka-broker-children-stopper"));
    }

    private final Path dataDir;
    private final Path logFile;
    private final int port;
    private final int controllerPort;
    private final List<String> command;

    private Process process;
    private OutputStream stdin;
    private long lastPid = -1;

    private KafkaBroker(Path dataDir, int port, int controllerPort, List<String> command) {
        this.dataDir = dataDir;
        this.logFile = dataDir.resolveSibling(dataDir.getFileName() + ".log");
        this.port = port;
        this.controllerPort = controllerPort;
        this.command = command;
    }

    /**
     * Starts a broker on {@code dataDir} (created if missing) and waits until it accepts connections.
     *
     * @param port the client (PLAINTEXT) port on localhost; 0 picks a free one. The controller port
     *        is always picked free.
     */
    public static KafkaBroker start(Path dataDir, int port) {
        Path dir = dataDir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create Kafka data dir " + dir, e);
        }
        int brokerPort = port == 0 ? Ports.freePort() : port;
        int controllerPort = Ports.freePort();
        while (controllerPort == brokerPort) {
            controllerPort = Ports.freePort();
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Xmx512m");
        cmd.add("-cp");
        cmd.add(childClasspath());
        cmd.add(MAIN_CLASS);
        cmd.add(dir.toString());
        cmd.add(Integer.toString(brokerPort));
        cmd.add(Integer.toString(controllerPort));
        KafkaBroker broker = new KafkaBroker(dir, brokerPort, controllerPort, List.copyOf(cmd));
        broker.launch();
        return broker;
    }

    /** {@code localhost:<port>}. */
    public String bootstrapServers() {
        return "localhost:" + port;
    }

    public int port() {
        return port;
    }

    public int controllerPort() {
        return controllerPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Where the child JVM's stdout and stderr go: {@code <dataDir>.log}. */
    public Path logFile() {
        return logFile;
    }

    /** Creates the topics (replication factor 1) that do not exist yet and waits for their leaders. */
    public void createTopics(Map<String, Integer> topicPartitions) {
        if (topicPartitions.isEmpty()) {
            return;
        }
        Properties c = new Properties();
        c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        c.put(AdminClientConfig.CLIENT_ID_CONFIG, "hyperai-infra-topic-creator");
        c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        // Kafka loads plugins through the context class loader, which under Quarkus tests is not
        // the loader of kafka-clients (ClassCastException on JmxReporter).
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(Admin.class.getClassLoader());
        try (Admin admin = Admin.create(c)) {
            List<NewTopic> topics = topicPartitions.entrySet().stream()
                    .map(e -> new NewTopic(e.getKey(), e.getValue(), (short) 1))
                    .collect(Collectors.toList());
            admin.createTopics(topics).values().forEach((name, future) -> {
                try {
                    future.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("Cannot create topic " + name, e.getCause());
                    }
                } catch (Exception e) {
                    throw new IllegalStateException("Cannot create topic " + name, e);
                }
            });
            awaitLeaders(admin, topicPartitions.keySet());
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static void awaitLeaders(Admin admin, Set<String> names) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                Map<String, TopicDescription> d = admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS);
                boolean ready = d.values().stream()
                        .allMatch(t -> t.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
                if (ready) {
                    return;
                }
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Topics " + names + " have no leaders", e);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Topics " + names + " have no leaders after 30 s");
            }
            sleep(100);
        }
    }

    /** Graceful stop: closes the child's stdin, waits up to 15 s, then kills it. Idempotent. */
    public synchronized void stop() {
        Process p = process;
        if (p == null) {
            return;
        }
        LOG.debugf("Stopping Kafka broker pid %d on %s", p.pid(), bootstrapServers());
        closeStdin();
        try {
            if (!p.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                LOG.warnf("Kafka broker pid %d did not stop within %d ms; killing it", p.pid(), STOP_TIMEOUT_MS);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
        process = null;
        LIVE.remove(this);
    }

    /** Kills the child at once (SIGKILL, like {@code kill -9}); for fault-injection tests. */
    public synchronized void kill() {
        Process p = process;
        if (p == null) {
            return;
        }
        LOG.debugf("Killing Kafka broker pid %d on %s", p.pid(), bootstrapServers());
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeStdin();
        process = null;
        LIVE.remove(this);
    }

    /** Stops the broker if it runs, then starts it again on the same data dir and the same ports. */
    public synchronized void restart() {
        stop();
        launch();
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The child's pid (the last one if it is stopped; -1 if it never started). */
    public synchronized long pid() {
        return lastPid;
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "KafkaBroker[" + bootstrapServers() + ", pid " + lastPid + ", data " + dataDir + "]";
    }

    private synchronized void launch() {
        long t0 = System.nanoTime();
        long logOffset;
        try {
            logOffset = Files.exists(logFile) ? Files.size(logFile) : 0;
        } catch (IOException e) {
            logOffset = 0;
        }
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the Kafka broker JVM: " + command, e);
        }
        process = p;
        stdin = p.getOutputStream();
        lastPid = p.pid();
        LIVE.add(this);

        String ready = READY_PREFIX + bootstrapServers();
        long deadline = t0 + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
        while (true) {
            if (logContains(logOffset, ready)) {
                break;
            }
            if (!p.isAlive()) {
                process = null;
                LIVE.remove(this);
                throw new IllegalStateException("Kafka broker exited with code " + p.exitValue()
                        + " before it was ready; end of " + logFile + ":\n" + tail(logFile, 40));
            }
            if (System.nanoTime() > deadline) {
                kill();
                throw new IllegalStateException("Kafka broker not ready within " + START_TIMEOUT_MS
                        + " ms; end of " + logFile + ":\n" + tail(logFile, 40));
            }
            sleep(50);
        }
        LOG.infof("Kafka broker ready on %s in %d ms (pid %d, data %s, log %s)", bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), p.pid(), dataDir, logFile);
    }

    private void closeStdin() {
        OutputStream s = stdin;
        stdin = null;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // the child is gone already
            }
        }
    }

    private boolean logContains(long offset, String line) {
        try (RandomAccessFile f = new RandomAccessFile(logFile.toFile(), "r")) {
            long from = f.length() < offset ? 0 : offset; // the log was truncated or replaced meanwhile
            if (f.length() == from) {
                return false;
            }
            f.seek(from);
            byte[] buf = new byte[(int) Math.min(f.length() - from, 64 * 1024 * 1024)];
            f.readFully(buf);
            String text = new String(buf, StandardCharsets.UTF_8);
            for (String l : text.split("\n")) {
                if (l.strip().equals(line)) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    /**
     * The child JVM's classpath: the location (jar or classes directory) of
     * {@code io/hyperai/kafka/BrokerMain.class}, found as a resource without loading the class,
     * followed by the entries of the build-time classpath file stored next to it.
     */
    static String childClasspath() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        URL classUrl = cl == null ? null : cl.getResource(MAIN_CLASS_RESOURCE);
        if (classUrl == null) {
            cl = KafkaBroker.class.getClassLoader();
            classUrl = cl.getResource(MAIN_CLASS_RESOURCE);
        }
        if (classUrl == null) {
            throw new IllegalStateException(MAIN_CLASS_RESOURCE + " is not on the classpath: add a dependency on "
                    + "io.hyperai:platform-kafka-broker (with all its transitive dependencies excluded)");
        }
        Path location = codeLocation(classUrl);
        String external = classUrl.toExternalForm();
        String base = external.substring(0, external.length() - MAIN_CLASS_RESOURCE.length());
        String entries;
        try {
            URLConnection conn = new URL(base + CLASSPATH_RESOURCE).openConnection();
            conn.setUseCaches(false);
            try (InputStream in = conn.getInputStream()) {
                entries = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + CLASSPATH_RESOURCE + " next to " + classUrl
                    + " (was platform-kafka-broker built with Maven?)", e);
        }
        List<String> cp = new ArrayList<>();
        cp.add(location.toString());
        List<String> missing = new ArrayList<>();
        for (String entry : entries.split(java.io.File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            if (!Files.exists(Path.of(entry))) {
                missing.add(entry);
            }
            cp.add(entry);
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("The Kafka broker classpath (" + CLASSPATH_RESOURCE + " in " + location
                    + ") lists files that do not exist: " + missing
                    + ". Rebuild platform-kafka-broker (mvn install) on this machine.");
        }
        return String.join(java.io.File.pathSeparator, cp);
    }

    /** The jar file or classes directory a class-file resource URL comes from. */
    static Path codeLocation(URL classUrl) {
        try {
            switch (classUrl.getProtocol()) {
                case "jar": {
                    URLConnection conn = classUrl.openConnection();
                    if (conn instanceof JarURLConnection) {
                        return Path.of(((JarURLConnection) conn).getJarFileURL().toURI());
                    }
                    String s = classUrl.toExternalForm();
                    return Path.of(new URL(s.substring("jar:".length(), s.indexOf("!/"))).toURI());
                }
                case "file": {
                    Path classFile = Path.of(classUrl.toURI());
                    Path root = classFile;
                    for (int i = 0; i < MAIN_CLASS_RESOURCE.split("/").length; i++) {
                        root = root.getParent();
                    }
                    return root;
                }
                default:
                    throw new IllegalStateException("Cannot run the Kafka broker from " + classUrl
                            + ": platform-kafka-broker must be a jar or a directory on the file system");
            }
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("Cannot locate " + classUrl, e);
        }
    }
}
