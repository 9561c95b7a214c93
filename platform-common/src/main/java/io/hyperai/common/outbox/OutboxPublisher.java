package io.hyperai.common.outbox;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.opentelemetry.api.trace.Span;

/**
 * The relay's Kafka producer: idempotent, acks from all in-sync replicas, so records of one key
 * land in their partition in the order they were sent. Blocking; the relay calls it on a worker.
 */
@ApplicationScoped
public class OutboxPublisher {

    private final KafkaProducer<String, String> producer;
    private final long timeoutMillis;
    private final OutboxTracing tracing;

    public OutboxPublisher(OutboxConfig config, OutboxTracing tracing,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap, Config mp) {
        this.tracing = tracing;
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        // authenticated as the service's own Kafka principal, like its channels (the ACLs let it write its topic)
        props.putAll(KafkaConnection.settings(key -> mp.getOptionalValue(key, String.class)));
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "2");
        // A relay run must end in bounded time when the broker is away; its rows stay unsent.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(config.sendTimeout().toMillis()));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(config.sendTimeout().toMillis()));
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                String.valueOf(Math.min(config.sendTimeout().toMillis(), 5000)));
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "outbox-" + config.source().replace('/', '-'));
        props.putAll(config.producer());
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
        this.timeoutMillis = config.sendTimeout().toMillis();
    }

    /**
     * Sends the rows in order and waits for the broker. Returns the sequence numbers acknowledged;
     * after a failure no later row of the same aggregate is reported, so it is sent again next run.
     */
    public List<Long> publish(List<OutboxRow> rows) {
        List<Future<RecordMetadata>> sent = new ArrayList<>(rows.size());
        List<Span> spans = new ArrayList<>(rows.size());
        for (OutboxRow row : rows) {
            ProducerRecord<String, String> record = new ProducerRecord<>(row.topic(), row.aggregateId(), row.payload());
            record.headers().add("hyperai-event-id", row.id().getBytes(StandardCharsets.UTF_8));
            record.headers().add("hyperai-event-type", row.type().getBytes(StandardCharsets.UTF_8));
            spans.add(tracing.startPublish(row, record));
            try {
                sent.add(producer.send(record));
            } catch (RuntimeException e) {
                sent.add(null);
            }
        }
        List<Long> acknowledged = new ArrayList<>(rows.size());
        Set<String> failedAggregates = new HashSet<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        for (int i = 0; i < rows.size(); i++) {
            OutboxRow row = rows.get(i);
            boolean ok = sent.get(i) != null && !failedAggregates.contains(row.aggregateId())
                    && awaited(sent.get(i), deadline);
            OutboxTracing.end(spans.get(i), ok);
            if (ok) {
                acknowledged.add(row.seq());
            } else {
                failedAggregates.add(row.aggregateId());
            }
        }
        return acknowledged;
    }

    private static boolean awaited(Future<RecordMetadata> future, long deadlineNanos) {
        try {
            future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    @PreDestroy
    void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
