package io.hyperai.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaBrokerTest {

    @TempDir
    Path tmp;

    @Test
    void producesConsumesAndKeepsDataAcrossKillAndRestart() throws Exception {
        Path dataDir = tmp.resolve("kafka");
        try (KafkaBroker broker = KafkaBroker.start(dataDir, 0)) {
            assertThat(broker.isRunning()).isTrue();
            assertThat(broker.bootstrapServers()).isEqualTo("localhost:" + broker.port());
            assertThat(Ports.isListening(broker.port())).isTrue();
            assertThat(broker.logFile()).isEqualTo(tmp.resolve("kafka.log")).exists();

            broker.createTopics(Map.of("events", 3, "other", 1));
            broker.createTopics(Map.of("events", 3)); // idempotent
            try (Admin admin = admin(broker)) {
                assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS)).contains("events", "other");
                assertThat(admin.describeTopics(Set.of("events")).allTopicNames().get(10, TimeUnit.SECONDS)
                        .get("events").partitions()).hasSize(3);
            }

            RecordMetadata sent;
            try (KafkaProducer<String, String> producer = producer(broker)) {
                sent = producer.send(new ProducerRecord<>("events", "k1", "hello")).get(30, TimeUnit.SECONDS);
            }
            assertThat(readAll(broker, "events", 1)).containsExactly("k1=hello");

            int port = broker.port();
            long firstPid = broker.pid();
            broker.kill();
            assertThat(broker.isRunning()).isFalse();
            assertThat(Processes.isRunning(firstPid)).isFalse();
            assertThat(Ports.isListening(port)).isFalse();

            broker.restart();
            assertThat(broker.isRunning()).isTrue();
            assertThat(broker.pid()).isNotEqualTo(firstPid);
            assertThat(broker.port()).isEqualTo(port);
            assertThat(readAll(broker, "events", 1)).containsExactly("k1=hello");
            assertThat(sent.topic()).isEqualTo("events");

            // a consumer group also works after the restart
            try (KafkaConsumer<String, String> consumer = consumer(broker, "group-1")) {
                consumer.subscribe(List.of("events"));
                List<String> seen = new ArrayList<>();
                long deadline = System.currentTimeMillis() + 30_000;
                while (seen.isEmpty() && System.currentTimeMillis() < deadline) {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> seen.add(r.key() + "=" + r.value()));
                }
                assertThat(seen).containsExactly("k1=hello");
            }

            long pid = broker.pid();
            broker.stop();
            assertThat(broker.isRunning()).isFalse();
            assertThat(Processes.isRunning(pid)).isFalse();
            assertThat(Files.readString(broker.logFile())).contains("KAFKA-READY localhost:" + port);
        }
    }

    @Test
    void brokerDiesWhenItsParentJvmIsKilled() throws Exception {
        try (ParentProcess parent = ParentProcess.start(tmp.resolve("parent.log"), "kafka",
                tmp.resolve("kafka").toString())) {
            assertThat(parent.line[0]).isEqualTo("KAFKA");
            long brokerPid = Long.parseLong(parent.line[1]);
            int port = Integer.parseInt(parent.line[2]);
            assertThat(Processes.isRunning(brokerPid)).isTrue();
            assertThat(Ports.isListening(port)).isTrue();

            parent.kill9();

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                assertThat(Processes.isRunning(brokerPid)).isFalse();
                assertThat(Ports.isListening(port)).isFalse();
            });
        }
    }

    private static List<String> readAll(KafkaBroker broker, String topic, int expected) {
        try (KafkaConsumer<String, String> consumer = consumer(broker, null)) {
            List<TopicPartition> parts = new ArrayList<>();
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            List<String> seen = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 30_000;
            while (seen.size() < expected && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    seen.add(r.key() + "=" + r.value());
                }
            }
            return seen;
        }
    }

    private static Admin admin(KafkaBroker broker) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        return Admin.create(p);
    }

    private static KafkaProducer<String, String> producer(KafkaBroker broker) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer(KafkaBroker broker, String group) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        if (group != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        } else {
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        }
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }
}
