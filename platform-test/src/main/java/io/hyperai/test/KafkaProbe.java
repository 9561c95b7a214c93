package io.hyperai.test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Reads and writes raw records on the real broker, the way a foreign producer or a replay would. */
public final class KafkaProbe {

    private final String bootstrap;

    public KafkaProbe(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    public static KafkaProbe shared() {
        return new KafkaProbe(SharedInfrastructure.kafka().bootstrapServers());
    }

    /** Reads a topic from offset 0 with a fresh group until {@code done} holds for what was read, or times out. */
    public List<ConsumerRecord<String, String>> readUntil(String topic, Duration timeout,
            Predicate<List<ConsumerRecord<String, String>>> done) {
        return withKafkaClassLoader(
                () -> read(consumer -> consumer.subscribe(List.of(topic)), timeout, done));
    }

    /** Where each partition of {@code topic} ends now: what {@link #readFrom} starts at to read only what follows. */
    public Map<org.apache.kafka.common.TopicPartition, Long> endOffsets(String topic) {
        return withKafkaClassLoader(() -> {
            try (KafkaConsumer<String, String> consumer = reader()) {
                return consumer.endOffsets(consumer.partitionsFor(topic).stream()
                        .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition())).toList());
            }
        });
    }

    /** Reads the partitions from the given offsets on, as {@link #readUntil} reads from 0. */
    public List<ConsumerRecord<String, String>> readFrom(Map<org.apache.kafka.common.TopicPartition, Long> offsets,
            Duration timeout, Predicate<List<ConsumerRecord<String, String>>> done) {
        return withKafkaClassLoader(() -> read(consumer -> {
            consumer.assign(offsets.keySet());
            offsets.forEach(consumer::seek);
        }, timeout, done));
    }

    /** A consumer of a group of its own that commits nothing. */
    private KafkaConsumer<String, String> reader() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "probe-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    }

    private List<ConsumerRecord<String, String>> read(
            java.util.function.Consumer<KafkaConsumer<String, String>> position, Duration timeout,
            Predicate<List<ConsumerRecord<String, String>>> done) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = reader()) {
            position.accept(consumer);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                if (done.test(records)) {
                    break;
                }
            }
        }
        return records;
    }

    public void send(String topic, String key, String value, Map<String, String> headers) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        withKafkaClassLoader(() -> sendWith(props, topic, key, value, headers));
    }

    /** Sends many records ({key, value} pairs) with one producer, in order, and waits until all are written. */
    public void sendAll(String topic, List<String[]> keyAndValue) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        withKafkaClassLoader(() -> {
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                    new StringSerializer())) {
                List<java.util.concurrent.Future<?>> sent = new java.util.ArrayList<>();
                for (String[] kv : keyAndValue) {
                    sent.add(producer.send(new ProducerRecord<>(topic, kv[0], kv[1])));
                }
                for (java.util.concurrent.Future<?> f : sent) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } catch (Exception e) {
                throw new IllegalStateException("cannot send the records to " + topic, e);
            }
        });
    }

    private static void sendWith(Properties props, String topic, String key, String value, Map<String, String> headers) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            ProducerRecord<String, String> record = new ProducerRecord<>(topic, key, value);
            headers.forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
            producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot send to " + topic, e);
        }
    }

    /**
     * Kafka loads its plugins (metrics reporters, serializers) through the thread's context class
     * loader; under a Quarkus test that loader differs from the one that loaded kafka-clients, and
     * the client fails with a ClassCastException.
     */
    public static <T> T withKafkaClassLoader(java.util.function.Supplier<T> action) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(KafkaProducer.class.getClassLoader());
        try {
            return action.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    public static void withKafkaClassLoader(Runnable action) {
        withKafkaClassLoader(() -> {
            action.run();
            return null;
        });
    }

    public static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
