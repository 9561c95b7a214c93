package io.hyperai.e2e;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.core.ConditionTimeoutException;

import io.hyperai.common.events.EventCodec;
import io.hyperai.common.events.EventEnvelope;
import io.hyperai.common.events.EventType;
import io.hyperai.common.events.Topics;

/** The platform's event topics as an operator sees them: read from offset 0, redelivered, consumer lag. */
final class EventLog {

    private final Platform platform;
    private final String bootstrap;

    EventLog(Platform platform) {
        this.platform = platform;
        this.bootstrap = platform.kafkaBootstrap();
    }

    /** Every record now in the five event topics (not the dead-letter topics), in partition order. */
    List<ConsumerRecord<String, String>> readAll() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<String, String>> all = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> parts = Topics.ALL.stream().flatMap(t -> c.partitionsFor(t, Duration.ofSeconds(30))
                    .stream().map(i -> new TopicPartition(t, i.partition()))).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Could not read the topics to their end " + end);
                }
                c.poll(Duration.ofMillis(200)).forEach(all::add);
            }
        }
        return all;
    }

    /**
     * The events of {@code type} about {@code subject} that its topic holds now, oldest first (a record delivered
     * twice, with the same event id, is there twice).
     */
    List<EventEnvelope> events(EventType type, String subject) {
        return readAll().stream().filter(r -> r.topic().equals(type.topic())).map(r -> EventCodec.read(r.value()))
                .filter(e -> type.type().equals(e.type()) && subject.equals(e.subject())).toList();
    }

    /** The CloudEvents ids of what the topics hold. */
    Set<String> eventIds() {
        return readAll().stream().map(r -> EventCodec.read(r.value()).id()).collect(Collectors.toSet());
    }

    /** Produces each record again, unchanged (key, value, headers; so the same event id): a redelivery. */
    void redeliver(List<ConsumerRecord<String, String>> records) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
                new StringSerializer())) {
            for (ConsumerRecord<String, String> r : records) {
                producer.send(new ProducerRecord<>(r.topic(), null, r.key(), r.value(), r.headers()));
            }
            producer.flush();
        }
    }

    /** Produces one record as any client of the broker could. */
    void publish(String topic, String key, String value) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value));
            producer.flush();
        }
    }

    /** The platform's consumer groups. */
    Set<String> groups() {
        return positions().keySet();
    }

    /**
     * Waits until every consumer group has read every record; if one has not within {@code atMost}, fails naming the
     * groups and partitions behind, after printing each service's liveness (a failed consumer channel is not live)
     * and each log's last warnings (what a consumer retrying an effect logs). Returns how long it waited, in ms.
     */
    long awaitCaughtUp(Duration atMost) {
        long t0 = System.nanoTime();
        try {
            await().atMost(atMost).pollInterval(Duration.ofSeconds(1)).until(() -> behind().isEmpty());
            return (System.nanoTime() - t0) / 1_000_000;
        } catch (ConditionTimeoutException e) {
            System.out.println("e2e: consumer groups behind; the services' liveness (a failed channel is not live):");
            Platform.SERVICES.forEach(s -> System.out.println("  " + s + ": " + platform.liveness(s)));
            System.out.println("e2e: and their last warnings:");
            platform.lastWarnings(20).forEach(line -> System.out.println("  " + line));
            throw new AssertionError("consumer groups still behind after " + atMost + ": " + behind());
        }
    }

    /** Group, then "topic-partition committed/end", for each partition a group has not read to its end. */
    private Map<String, List<String>> behind() {
        Map<String, List<String>> behind = new TreeMap<>();
        positions().forEach((group, parts) -> parts.forEach((tp, p) -> {
            if (p.committed() < p.end()) {
                behind.computeIfAbsent(group, g -> new ArrayList<>()).add(tp + " " + p.committed() + "/" + p.end());
            }
        }));
        return behind;
    }

    private record Position(long committed, long end) {
    }

    private Map<String, Map<TopicPartition, Position>> positions() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            Map<String, Map<TopicPartition, Position>> all = new HashMap<>();
            for (GroupListing g : admin.listGroups().all().get(30, TimeUnit.SECONDS)) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(g.groupId())
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                Map<TopicPartition, OffsetSpec> latest = committed.keySet().stream()
                        .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
                var ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
                Map<TopicPartition, Position> parts = new HashMap<>();
                committed.forEach((tp, offset) -> parts.put(tp,
                        new Position(offset == null ? 0 : offset.offset(), ends.get(tp).offset())));
                all.put(g.groupId(), parts);
            }
            return all;
        } catch (Exception e) {
            throw new IllegalStateException("Cannot read the consumer groups' offsets", e);
        }
    }
}
