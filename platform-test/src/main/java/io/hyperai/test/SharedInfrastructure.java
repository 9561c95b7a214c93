package io.hyperai.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import io.hyperai.infra.KafkaBroker;
import io.hyperai.infra.PostgresServer;

/**
 * One PostgreSQL server, one Kafka broker and one OIDC provider per test JVM, started on first use
 * and stopped when the JVM exits. Every Quarkus boot and every cross-service test of a module shares
 * them, each service in its own database.
 */
public final class SharedInfrastructure {

    public static final Map<String, Integer> TOPICS = topics();

    private static PostgresServer postgres;
    private static KafkaBroker kafka;
    private static OidcTestServer oidc;

    private SharedInfrastructure() {
    }

    public static synchronized PostgresServer postgres() {
        if (postgres == null) {
            postgres = PostgresServer.start(null, 0);
            Runtime.getRuntime().addShutdownHook(new Thread(postgres::close, "stop-test-postgres"));
        }
        return postgres;
    }

    public static synchronized KafkaBroker kafka() {
        if (kafka == null) {
            Path dir = tempDir("hyperai-test-kafka");
            kafka = KafkaBroker.start(dir.resolve("kafka"), 0);
            KafkaProbe.withKafkaClassLoader(() -> kafka.createTopics(TOPICS));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                kafka.close();
                delete(dir);
            }, "stop-test-kafka"));
        }
        return kafka;
    }

    public static synchronized OidcTestServer oidc() {
        if (oidc == null) {
            oidc = OidcTestServer.start(0);
            Runtime.getRuntime().addShutdownHook(new Thread(oidc::close, "stop-test-oidc"));
        }
        return oidc;
    }

    private static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temp dir left behind is harmless
        }
    }

    private static Map<String, Integer> topics() {
        Map<String, Integer> topics = new HashMap<>();
        for (String topic : new String[] { "gear-events", "execution-events", "warehouse-events", "storage-events",
                "billing-events" }) {
            topics.put(topic, 3);
            topics.put(topic + ".dlq", 1);
        }
        return Map.copyOf(topics);
    }
}
