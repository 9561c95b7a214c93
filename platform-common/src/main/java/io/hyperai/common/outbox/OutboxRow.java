package io.hyperai.common.outbox;

/** An unsent outbox row as the relay claims it; {@code traceparent} is null for an untraced event. */
public record OutboxRow(long seq, String id, String topic, String aggregateId, String type, String payload,
        String traceparent) {
}
