-- The W3C traceparent of the span an event was appended in, so the relay can continue that trace
-- into Kafka (the relay itself runs later, on a timer, outside any request).
ALTER TABLE outbox_event ADD COLUMN traceparent VARCHAR(128);

-- An event appended outside any span (a pod watch, a timer) continues the newest traced event of its
-- aggregate: this index finds it.
CREATE INDEX outbox_event_traced ON outbox_event (aggregate_id, seq) WHERE traceparent IS NOT NULL;
