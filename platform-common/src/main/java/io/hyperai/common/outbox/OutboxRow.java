package io.hyperai.common.outbox;

/** An unsent outbox row as the relay claims it. */
public record OutboxRow(long seq, String id, String topic, String aggregateId, String type, String payload) {
}
