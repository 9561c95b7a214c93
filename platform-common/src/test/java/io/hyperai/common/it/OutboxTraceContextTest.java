package io.hyperai.common.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.hyperai.common.events.EventType;
import io.hyperai.common.events.payload.GearDeleted;
import io.hyperai.common.outbox.Outbox;
import io.hyperai.test.SharedInfrastructure;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Scope;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;

/**
 * What the outbox stores of the trace an event is appended in: the current span's W3C traceparent; outside
 * any span, the traceparent of the newest traced event of the same aggregate (an execution's pod watch
 * continues the request that created it), and nothing for an aggregate never traced. The relay's use of it
 * (the producer span and the record headers) is proven across services in platform-it's TraceAcrossKafkaIT.
 */
@QuarkusTest
class OutboxTraceContextTest {

    @Inject
    Outbox outbox;

    @Test
    void anEventCarriesItsSpanOrContinuesItsAggregatesNewestTrace() throws Throwable {
        String gear = "traced-" + UUID.randomUUID();
        SpanContext request = span("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331");
        SpanContext later = span("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7");

        append(gear, request);
        append(gear, null);
        append(gear, later);
        append(gear, null);
        String untraced = "untraced-" + UUID.randomUUID();
        append(untraced, null);

        assertThat(traceparents(gear)).containsExactly(
                "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        assertThat(traceparents(untraced)).containsExactly((String) null);
    }

    private static SpanContext span(String traceId, String spanId) {
        return SpanContext.create(traceId, spanId, TraceFlags.getSampled(), TraceState.getDefault());
    }

    /** Appends in a transaction of its own, inside {@code span} when there is one. */
    private void append(String gear, SpanContext span) throws Throwable {
        VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> {
            if (span == null) {
                return outbox.append(EventType.GEAR_DELETED, gear, new GearDeleted(gear, "owner"));
            }
            try (Scope ignored = Span.wrap(span).makeCurrent()) {
                return outbox.append(EventType.GEAR_DELETED, gear, new GearDeleted(gear, "owner"));
            }
        }));
    }

    private static List<String> traceparents(String aggregate) throws SQLException {
        try (Connection c = SharedInfrastructure.postgres().connect("outbox_test");
                PreparedStatement s = c.prepareStatement(
                        "SELECT traceparent FROM outbox_event WHERE aggregate_id = ? ORDER BY seq")) {
            s.setString(1, aggregate);
            List<String> values = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
            return values;
        }
    }
}
