package io.hyperai.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * Runs one KRaft node (broker + controller) in this JVM. Meant to be started as a child JVM by
 * {@code io.hyperai.infra.KafkaBroker}; its classpath is in the resource
 * {@code META-INF/hyperai/kafka-broker.classpath}.
 *
 * <p>Usage: {@code BrokerMain <dataDir> <brokerPort> <controllerPort>}.
 *
 * <ul>
 * <li>Storage ({@code <dataDir>/logs}) is formatted only when {@code meta.properties} is missing, so
 * a restart on the same directory keeps its topics and records.</li>
 * <li>Prints exactly one line {@code KAFKA-READY localhost:<brokerPort>} to stdout once the broker
 * accepts connections.</li>
 * <li>Dies with its parent: when stdin reaches EOF (the parent closed the pipe or died), the broker
 * shuts down and the JVM exits. {@code -Dhyperai.kafka.ignoreStdin=true} disables this (for
 * running it by hand with stdin at /dev/null). SIGTERM shuts down gracefully too.</li>
 * </ul>
 */
public final class BrokerMain {

    public static final String READY_PREFIX = "KAFKA-READY ";

    private static final Object LOCK = new Object();
    private static KafkaRaftServer server;
    private static boolean stopping;

    private BrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: BrokerMain <dataDir> <brokerPort> <controllerPort>");
            System.exit(2);
        }
        configureLogging();
        Path dataDir = Paths.get(args[0]).toAbsolutePath();
        int brokerPort = Integer.parseInt(args[1]);
        int controllerPort = Integer.parseInt(args[2]);

        // SIGTERM / System.exit: graceful shutdown, bounded by a halt watchdog.
        Runtime.getRuntime().addShutdownHook(new Thread(BrokerMain::shutdown, "kafka-broker-shutdown"));
        // Parent death: the parent holds our stdin pipe; EOF means it closed it or died.
        if (!Boolean.getBoolean("hyperai.kafka.ignoreStdin")) {
            Thread stdinWatcher = new Thread(BrokerMain::watchStdin, "kafka-broker-stdin-watcher");
            stdinWatcher.setDaemon(true);
            stdinWatcher.start();
        }

        long t0 = System.nanoTime();
        Path logDir = dataDir.resolve("logs");
        Files.createDirectories(logDir);
        Properties p = brokerProperties(logDir, brokerPort, controllerPort);
        Path propsFile = dataDir.resolve("server.properties");
        writeProperties(p, propsFile);

        if (!Files.exists(logDir.resolve("meta.properties"))) {
            String clusterId = Uuid.randomUuid().toString();
            int rc = StorageTool.execute(
                    new String[] { "format", "-t", clusterId, "-c", propsFile.toString() }, System.err);
            if (rc != 0) {
                System.err.println("Formatting " + logDir + " failed with exit code " + rc);
                System.exit(3);
            }
        }

        KafkaRaftServer s = new KafkaRaftServer(KafkaConfig.fromProps(p, false), Time.SYSTEM);
        synchronized (LOCK) {
            if (stopping) {
                return;
            }
            server = s;
        }
        s.startup();
        verifyReachable(brokerPort);
        System.err.printf("Kafka broker started in %d ms on localhost:%d (controller %d), data in %s%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), brokerPort, controllerPort, dataDir);
        System.out.println(READY_PREFIX + "localhost:" + brokerPort);
        System.out.flush();

        s.awaitShutdown();
        System.exit(0);
    }

    static Properties brokerProperties(Path logDir, int brokerPort, int controllerPort) {
        Map<String, String> m = new TreeMap<>();
        m.put("process.roles", "broker,controller");
        m.put("node.id", "1");
        m.put("controller.quorum.voters", "1@localhost:" + controllerPort);
        m.put("listeners", "PLAINTEXT://localhost:" + brokerPort + ",CONTROLLER://localhost:" + controllerPort);
        m.put("advertised.listeners", "PLAINTEXT://localhost:" + brokerPort);
        m.put("controller.listener.names", "CONTROLLER");
        m.put("inter.broker.listener.name", "PLAINTEXT");
        m.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        m.put("log.dirs", logDir.toString());
        m.put("num.partitions", "3");
        m.put("auto.create.topics.enable", "true");
        m.put("offsets.topic.replication.factor", "1");
        m.put("transaction.state.log.replication.factor", "1");
        m.put("transaction.state.log.min.isr", "1");
        m.put("share.coordinator.state.topic.replication.factor", "1");
        m.put("share.coordinator.state.topic.min.isr", "1");
        m.put("group.initial.rebalance.delay.ms", "0");
        m.put("broker.heartbeat.interval.ms", "500");
        // After a kill -9 the restarted controller still holds the old broker registration and rejects the new
        // one (DUPLICATE_BROKER_REGISTRATION) until that session expires: 9 s by default, 3 s here.
        m.put("broker.session.timeout.ms", "3000");
        Properties p = new Properties();
        p.putAll(m);
        return p;
    }

    private static void writeProperties(Properties p, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            p.store(out, "written by io.hyperai.kafka.BrokerMain on every start");
        }
    }

    /** The broker serves once startup() returns; a describeCluster round trip proves it. */
    private static void verifyReachable(int brokerPort) {
        Properties c = new Properties();
        c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:" + brokerPort);
        c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        try (Admin admin = Admin.create(c)) {
            admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("Broker did not answer describeCluster: " + e);
            System.exit(4);
        }
    }

    private static void watchStdin() {
        InputStream in = System.in;
        byte[] buf = new byte[256];
        try {
            while (in.read(buf) >= 0) {
                // ignore anything the parent writes
            }
        } catch (IOException e) {
            // a broken pipe means the parent is gone as well
        }
        System.err.println("stdin closed (parent stopped or died): shutting down the Kafka broker");
        System.exit(0);
    }

    private static void shutdown() {
        KafkaRaftServer s;
        synchronized (LOCK) {
            stopping = true;
            s = server;
        }
        if (s == null) {
            return;
        }
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(20_000);
                System.err.println("Kafka broker shutdown took more than 20 s: halting");
                Runtime.getRuntime().halt(1);
            } catch (InterruptedException e) {
                // shutdown finished in time
            }
        }, "kafka-broker-halt-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        try {
            s.shutdown();
            s.awaitShutdown();
        } catch (Throwable t) {
            t.printStackTrace();
        }
        watchdog.interrupt();
    }

    private static void configureLogging() {
        // slf4j-simple writes to stderr; keep Kafka's INFO lines but drop the multi-hundred-line config dumps.
        setDefault("org.slf4j.simpleLogger.defaultLogLevel", "info");
        setDefault("org.slf4j.simpleLogger.showDateTime", "true");
        setDefault("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd HH:mm:ss.SSS");
        setDefault("org.slf4j.simpleLogger.log.org.apache.kafka.common.config.AbstractConfig", "warn");
        setDefault("org.slf4j.simpleLogger.log.org.apache.kafka.clients.admin.AdminClientConfig", "warn");
        setDefault("org.slf4j.simpleLogger.log.kafka.server.KafkaConfig", "warn");
        setDefault("org.slf4j.simpleLogger.log.org.apache.kafka.common.utils.AppInfoParser", "warn");
        System.setOut(new PrintStream(System.out, true, StandardCharsets.UTF_8));
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
