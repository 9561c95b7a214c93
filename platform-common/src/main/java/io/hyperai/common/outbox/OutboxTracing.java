package io.hyperai.common.outbox;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.ProducerRecord;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;

/**
 * Carries a trace across the outbox: the appender's span context is stored with the event as a W3C
 * {@code traceparent}, and the relay publishes the event in a producer span that is its child, whose
 * context travels in the record's headers for the consumer (SmallRye's Kafka connector extracts it).
 */
@ApplicationScoped
public class OutboxTracing {

    static final String TRACEPARENT = "traceparent";

    private static final TextMapGetter<Map<String, String>> MAP_GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private final OpenTelemetry openTelemetry;
    private final Tracer tracer;

    public OutboxTracing(OpenTelemetry openTelemetry) {
        this.openTelemetry = openTelemetry;
        this.tracer = openTelemetry.getTracer("io.hyperai.outbox");
    }

    /** The current span's {@code traceparent}, or null outside a (sampled or not) valid span. */
    public String currentTraceparent() {
        if (!Span.current().getSpanContext().isValid()) {
            return null;
        }
        Map<String, String> carrier = new HashMap<>();
        W3CTraceContextPropagator.getInstance().inject(Context.current(), carrier, Map::put);
        return carrier.get(TRACEPARENT);
    }

    /**
     * Starts the producer span of a traced row and writes its context into the record's headers;
     * null (and no header) for a row appended outside any trace.
     */
    public Span startPublish(OutboxRow row, ProducerRecord<String, String> record) {
        if (row.traceparent() == null) {
            return null;
        }
        Context parent = W3CTraceContextPropagator.getInstance()
                .extract(Context.root(), Map.of(TRACEPARENT, row.traceparent()), MAP_GETTER);
        Span span = tracer.spanBuilder(row.topic() + " publish").setParent(parent).setSpanKind(SpanKind.PRODUCER)
                .setAttribute("messaging.system", "kafka")
                .setAttribute("messaging.operation.type", "send")
                .setAttribute("messaging.destination.name", row.topic())
                .setAttribute("messaging.message.id", row.id())
                .setAttribute("messaging.kafka.message.key", row.aggregateId())
                .setAttribute("hyperai.event.type", row.type())
                .startSpan();
        // every configured propagator (W3C trace context, baggage), as the consumer side expects
        openTelemetry.getPropagators().getTextMapPropagator().inject(parent.with(span), record.headers(),
                (headers, key, value) -> {
                    headers.remove(key);
                    headers.add(key, value.getBytes(StandardCharsets.UTF_8));
                });
        return span;
    }

    /** Ends a span from {@link #startPublish}; a send the broker did not acknowledge is an error. */
    public static void end(Span span, boolean acknowledged) {
        if (span == null) {
            return;
        }
        if (!acknowledged) {
            span.setStatus(StatusCode.ERROR, "not acknowledged by the broker in time");
        }
        span.end();
    }
}
