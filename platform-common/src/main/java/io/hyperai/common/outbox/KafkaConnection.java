package io.hyperai.common.outbox;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * How the relay's producer reaches and authenticates to the broker: the same {@code kafka.*} client settings the
 * Quarkus channels get (in a cluster, {@code KAFKA_SECURITY_PROTOCOL}, {@code KAFKA_SASL_*} and the truststore
 * from the Deployment: deploy/base/services/template). None set, as in tests and under {@code ./platform up}, the
 * producer talks to a plain broker.
 */
final class KafkaConnection {

    /** Client properties, without the {@code kafka.} prefix they have in the configuration. */
    static final List<String> SETTINGS = List.of("security.protocol", "sasl.mechanism", "sasl.jaas.config",
            "ssl.truststore.type", "ssl.truststore.location");

    private KafkaConnection() {
    }

    /** The settings the configuration gives a value, as client properties. */
    static Map<String, String> settings(Function<String, Optional<String>> config) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : SETTINGS) {
            config.apply("kafka." + key).filter(v -> !v.isBlank()).ifPresent(v -> out.put(key, v));
        }
        return out;
    }
}
