package io.hyperai.common.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class KafkaConnectionTest {

    @Test
    void takesTheSaslAndTruststoreSettingsOfTheChannels() {
        Map<String, String> config = Map.of(
                "kafka.security.protocol", "SASL_SSL",
                "kafka.sasl.mechanism", "SCRAM-SHA-512",
                "kafka.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                "kafka.ssl.truststore.type", "PEM",
                "kafka.ssl.truststore.location", "/etc/hyperai/kafka-ca/ca.crt",
                // not a connection setting: the relay keeps its own producer tuning
                "kafka.acks", "0");
        assertThat(KafkaConnection.settings(k -> Optional.ofNullable(config.get(k)))).containsOnly(
                Map.entry("security.protocol", "SASL_SSL"),
                Map.entry("sasl.mechanism", "SCRAM-SHA-512"),
                Map.entry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;"),
                Map.entry("ssl.truststore.type", "PEM"),
                Map.entry("ssl.truststore.location", "/etc/hyperai/kafka-ca/ca.crt"));
    }

    @Test
    void nothingSetIsAPlainBroker() {
        assertThat(KafkaConnection.settings(k -> Optional.empty())).isEmpty();
        assertThat(KafkaConnection.settings(k -> Optional.of(" "))).isEmpty();
    }
}
