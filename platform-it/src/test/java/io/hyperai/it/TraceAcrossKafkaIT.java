package io.hyperai.it;

import static io.hyperai.it.Api.newUser;
import static io.hyperai.it.Api.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.hyperai.infra.k8s.FakeKubelet;
import io.hyperai.test.PackagedServices;
import io.hyperai.test.TraceCollector;
import io.hyperai.test.TraceCollector.ReceivedSpan;

/**
 * Issue 7: one trace follows {@code POST /api/v1/gears/{id}/executions} to billing's charge. The request
 * carries a {@code traceparent} of the test's own, so its trace id is known; execution-service's server
 * span is its child, the outbox stores the context with the events (the pod watch's events continue the
 * request's trace), the relay's producer span puts it into the record's headers, and billing-service's
 * consumer span and the settlement that charges the run continue it. Spans are read from the collector
 * every packaged service exports to.
 */
@ExtendWith(SharedServices.class)
class TraceAcrossKafkaIT {

    @Test
    void oneTraceRunsFromTheStartRequestThroughKafkaToTheCharge() {
        PackagedServices services = SharedServices.get();
        TraceCollector collector = SharedServices.traces();
        Api api = new Api(services);
        String user = newUser("traced");
        String userToken = token(user);
        api.topUp(user, 10_000);
        String gear = api.createGear(userToken, "traced-" + user, List.of()).then().statusCode(201).extract()
                .path("id");

        Random random = new Random();
        String traceId = hex(random, 16);
        String callerSpanId = hex(random, 8);
        String execution;
        try (FakeKubelet.Plan plan = SharedServices.kubelet().plan(
                FakeKubelet.withLabel("hyperai.io/gear-id", gear), FakeKubelet.Outcome.SUCCEED,
                Duration.ofMillis(1500))) {
            execution = api.runScript(userToken, gear,
                    Map.of("traceparent", "00-" + traceId + "-" + callerSpanId + "-01"));
        }

        // the settlement of the run's end, with at least one charge entry, in the request's trace
        ReceivedSpan settle = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> collector.trace(traceId).stream()
                        .filter(s -> s.name().equals("billing settle") && execution.equals(s.attribute(
                                "hyperai.execution.id")) && Long.parseLong(s.attribute("hyperai.billing.entries")) > 0)
                        .findFirst(), Optional::isPresent).orElseThrow();
        List<ReceivedSpan> trace = collector.trace(traceId);
        Map<String, ReceivedSpan> byId = trace.stream()
                .collect(Collectors.toMap(ReceivedSpan::spanId, s -> s, (a, b) -> a));
        System.out.printf("trace %s: %d spans (%s); collector: %d export requests, %d rejected%n", traceId,
                trace.size(), trace.stream().collect(Collectors.groupingBy(ReceivedSpan::service, Collectors.counting())),
                collector.requests(), collector.rejected());
        System.out.printf("all spans received so far, most frequent first: %s%n", collector.spans().stream()
                .collect(Collectors.groupingBy(s -> s.service() + " " + s.kind() + " " + s.name(), Collectors.counting()))
                .entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(12).toList());

        // timers' database queries (the relay polls every 0.1 s here) start no traces of their own
        assertThat(collector.spans()).filteredOn(s -> s.kind().equals("SPAN_KIND_CLIENT") && s.parentSpanId().isEmpty())
                .as("client spans without a parent").isEmpty();

        // walk from the charge up to the caller: billing consumer <- execution-service producer <- its request
        ReceivedSpan consumer = byId.get(settle.parentSpanId());
        assertThat(consumer).as("parent of the settlement").isNotNull();
        assertThat(consumer.service()).isEqualTo("billing-service");
        assertThat(consumer.kind()).isEqualTo("SPAN_KIND_CONSUMER");
        assertThat(consumer.name()).startsWith("execution-events");
        ReceivedSpan producer = byId.get(consumer.parentSpanId());
        assertThat(producer).as("parent of billing's consumer span").isNotNull();
        assertThat(producer.service()).isEqualTo("execution-service");
        assertThat(producer.kind()).isEqualTo("SPAN_KIND_PRODUCER");
        assertThat(producer.name()).isEqualTo("execution-events publish");
        assertThat(producer.attribute("hyperai.event.type")).isEqualTo("execution.succeeded");
        assertThat(producer.attribute("messaging.kafka.message.key")).isEqualTo(execution);

        ReceivedSpan ancestor = byId.get(producer.parentSpanId());
        ReceivedSpan server = null;
        for (int depth = 0; ancestor != null && depth < 20; depth++) {
            System.out.printf("  above the producer: %s %s %s%n", ancestor.service(), ancestor.kind(), ancestor.name());
            if (ancestor.kind().equals("SPAN_KIND_SERVER")) {
                server = ancestor;
                break;
            }
            ancestor = byId.get(ancestor.parentSpanId());
        }
        assertThat(server).as("execution-service's request span above the producer").isNotNull();
        assertThat(server.service()).isEqualTo("execution-service");
        assertThat(server.name()).isEqualTo("POST /api/v1/gears/{gearId}/executions");
        assertThat(server.parentSpanId()).isEqualTo(callerSpanId);

        // every lifecycle event of the execution was published in this trace, and billing consumed them in it
        assertThat(trace).filteredOn(s -> s.kind().equals("SPAN_KIND_PRODUCER") && execution.equals(
                s.attribute("messaging.kafka.message.key"))).extracting(s -> s.attribute("hyperai.event.type"))
                .contains("execution.queued", "execution.started", "execution.succeeded");
        assertThat(trace).filteredOn(s -> s.service().equals("billing-service") && s.kind().equals("SPAN_KIND_CONSUMER"))
                .hasSizeGreaterThanOrEqualTo(3);
    }

    private static String hex(Random random, int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        b[0] |= 1; // never all zeros (an invalid id)
        return HexFormat.of().formatHex(b);
    }
}
