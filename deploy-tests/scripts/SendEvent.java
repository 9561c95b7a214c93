import java.util.Properties;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes one record to a topic of a running platform, for regenerate-exported-metrics.sh (a late execution end,
 * the only way to make billing-service export its refund counter on demand). Run as a single-file program:
 * java -cp kafka-clients.jar:slf4j-api.jar SendEvent.java BOOTSTRAP TOPIC KEY VALUE
 */
public class SendEvent {
    public static void main(String[] args) throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", args[0]);
        props.put("acks", "all");
        props.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        props.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            producer.send(new ProducerRecord<>(args[1], args[2], args[3])).get();
        }
    }
}
