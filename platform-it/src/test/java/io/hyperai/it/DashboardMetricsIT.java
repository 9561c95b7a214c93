package io.hyperai.it;

import static io.hyperai.it.Api.newUser;
import static io.hyperai.it.Api.token;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.hyperai.common.events.EventCodec;
import io.hyperai.common.events.EventType;
import io.hyperai.common.events.Topics;
import io.hyperai.common.events.payload.ExecutionEnded;
import io.hyperai.common.events.payload.ExecutionStarted;
import io.hyperai.infra.k8s.FakeKubelet;
import io.hyperai.test.KafkaProbe;
import io.hyperai.test.PackagedServices;

/**
 * Issue 7: every metric named in a query of a Grafana dashboard under deploy/grafana/dashboards is exported at
 * {@code /q/metrics} by the running packaged service the query is about, after a little traffic: a request to
 * each service, an execution that runs and is charged, a late end that billing refunds and a balance it
 * exhausts.
 *
 * <p>Which service a metric is about: {@code hyperai_billing_*} billing-service, {@code hyperai_execution*}
 * execution-service, Kafka consumer metrics and {@code hyperai_events_consumed*} every service with an incoming
 * channel, anything else (HTTP, outbox) all five.
 */
@ExtendWith(SharedServices.class)
class DashboardMetricsIT {

    static final Path DASHBOARDS = PackagedServices.root().resolve("deploy/grafana/dashboards");
    /** PromQL words that are not metric names. */
    static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "bool", "and", "or", "unless", "offset", "inf", "nan");
    static final Pattern SAMPLE = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]");

    @Test
    void theQueryParserFindsMetricNamesOnly() {
        assertThat(metricsOf("sum by (compute_spec) (rate(hyperai_billing_charged_minor_total[5m])) * 3600"))
                .containsExactly("hyperai_billing_charged_minor_total");
        assertThat(metricsOf("sum by (service) (rate(http_server_requests_seconds_count{status=~\"5..\",uri!~\"/q/.*\"}[5m]))"
                + " / sum by (service) (rate(http_server_requests_seconds_count[$__rate_interval]))"))
                .containsExactly("http_server_requests_seconds_count");
        assertThat(metricsOf("max(hyperai_billing_ledger_lag_seconds) > bool 0 or on (service) vector(0)"))
                .containsExactly("hyperai_billing_ledger_lag_seconds");
    }

    @Test
    void everyMetricADashboardQueriesIsExportedByTheServiceItIsAbout() throws IOException {
        PackagedServices services = SharedServices.get();
        Map<String, Set<String>> queried = queriedMetrics();
        assertThat(queried).containsKeys("billing.json", "platform-overview.json");
        assertThat(queried.get("platform-overview.json")).contains("hyperai_executions_active",
                "hyperai_outbox_backlog", "http_server_requests_seconds_count",
                "kafka_consumer_fetch_manager_records_lag_max");
        traffic(services);

        Map<String, Set<String>> expected = new TreeMap<>();
        queried.forEach((dashboard, names) -> {
            assertThat(names).as(dashboard + " queries metrics").isNotEmpty();
            names.forEach(n -> targets(n).forEach(s -> expected.computeIfAbsent(s, k -> new TreeSet<>()).add(n)));
        });
        Map<String, List<String>> missing = new TreeMap<>();
        long start = System.nanoTime();
        // gauges and counters of labelled series appear when the services' timers next refresh them
        long deadline = start + Duration.ofSeconds(90).toNanos();
        do {
            missing.clear();
            expected.forEach((service, names) -> {
                Set<String> exported = exported(services, service);
                List<String> absent = names.stream().filter(n -> !exported.contains(n)).toList();
                if (!absent.isEmpty()) {
                    missing.put(service, absent);
                }
            });
        } while (!missing.isEmpty() && System.nanoTime() < deadline && pause());
        System.out.printf("dashboard metrics: %s, all exported %d ms after the traffic%n",
                expected.entrySet().stream().map(e -> e.getKey() + " " + e.getValue().size()).toList(),
                (System.nanoTime() - start) / 1_000_000);
        assertThat(missing).as("metrics dashboards query that the service they are about does not export").isEmpty();
    }

    private static boolean pause() {
        try {
            Thread.sleep(1000);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The services a metric name is about. */
    static Set<String> targets(String metric) {
        if (metric.startsWith("hyperai_billing_")) {
            return Set.of("billing");
        }
        if (metric.startsWith("hyperai_execution") || metric.startsWith("hyperai_queue_")
                || metric.startsWith("hyperai_pool_")) {
            return Set.of("execution");
        }
        if (metric.startsWith("kafka_consumer_") || metric.startsWith("hyperai_events_consumed")) {
            Set<String> consumers = new TreeSet<>();
            for (String s : PackagedServices.ALL) {
                if (readsTopics(s)) {
                    consumers.add(s);
                }
            }
            assertThat(consumers).as("services with an incoming channel").isNotEmpty();
            return consumers;
        }
        return new TreeSet<>(PackagedServices.ALL);
    }

    static boolean readsTopics(String service) {
        try {
            return Files.readString(PackagedServices.root().resolve(service + "-service/src/main/resources/application.properties"))
                    .contains("mp.messaging.incoming.");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A request to each service, an execution run and charged, a late end billing refunds, a balance exhausted. */
    private static void traffic(PackagedServices services) {
        Api api = new Api(services);
        String user = newUser("metrics");
        String userToken = token(user);
        Map<String, String> reads = Map.of("gear", "/api/v1/gears", "execution", "/api/v1/executions",
                "warehouse", "/api/v1/datasets", "storage", "/api/v1/storage/me", "billing", "/api/v1/billing/me");
        reads.forEach((service, path) -> given().baseUri(services.url(service)).auth().oauth2(userToken).get(path)
                .then().statusCode(200));

        api.topUp(user, 100_000);
        String gear = api.createGear(userToken, "metrics-" + user, List.of()).then().statusCode(201).extract()
                .path("id");
        try (FakeKubelet.Plan plan = SharedServices.kubelet().plan(FakeKubelet.withLabel("hyperai.io/gear-id", gear),
                FakeKubelet.Outcome.SUCCEED, Duration.ofMillis(1500))) {
            api.runScript(userToken, gear, Map.of());
        }

        // as execution-service would report a run whose end arrives after billing charged two intervals of 10 s,
        // of a user without credit: billing refunds, and the exhausted balance reaches execution-service
        String broke = newUser("metrics-broke");
        String run = "late-end-" + UUID.randomUUID();
        Instant startedAt = Instant.now().minusSeconds(25).truncatedTo(ChronoUnit.SECONDS);
        send(run, EventType.EXECUTION_STARTED, startedAt, new ExecutionStarted(run, "gear-" + run, broke, "script",
                "cpu-2c4g", 360_000, "CNY", startedAt, null));
        await().atMost(Duration.ofSeconds(60)).until(() -> Api.number("billing",
                "SELECT count(*) FROM charge WHERE execution_id = ? AND interval_no > 0", run) >= 2);
        Instant endedAt = startedAt.plusSeconds(5);
        send(run, EventType.EXECUTION_STOPPED, endedAt, new ExecutionEnded(run, "gear-" + run, broke, startedAt,
                endedAt, null, "USER_STOPPED"));
        await().atMost(Duration.ofSeconds(60)).until(() -> Api.number("billing",
                "SELECT count(*) FROM charge WHERE execution_id = ? AND interval_no = 0", run) == 1);
    }

    private static void send(String key, EventType type, Instant at, io.hyperai.common.events.payload.EventPayload payload) {
        KafkaProbe.shared().send(Topics.EXECUTION, key, EventCodec.write(EventCodec.envelope(
                UUID.randomUUID().toString(), "/execution-service", type, key, at, payload)), Map.of());
    }

    private static Set<String> exported(PackagedServices services, String service) {
        String text = given().baseUri(services.url(service)).get("/q/metrics").then().statusCode(200).extract()
                .asString();
        Set<String> names = new TreeSet<>();
        Matcher m = SAMPLE.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** The metric names of one PromQL expression. */
    static Set<String> metricsOf(String expr) {
        String e = expr
                .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")          // string literals
                .replaceAll("\\{[^}]*}", "")                              // label matchers
                .replaceAll("\\[[^]]*]", "")                              // range and subquery durations
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ") // label lists
                .replaceAll("\\$\\{?\\w+}?", "");                         // Grafana variables
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("(?<![\\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?").matcher(e);
        while (m.find()) {
            String word = m.group(1);
            boolean function = m.group(2) != null;
            if (!function && !KEYWORDS.contains(word.toLowerCase())) {
                names.add(word);
            }
        }
        return names;
    }

    static Map<String, Set<String>> queriedMetrics() throws IOException {
        Map<String, Set<String>> byDashboard = new LinkedHashMap<>();
        ObjectMapper json = new ObjectMapper();
        try (Stream<Path> files = Files.list(DASHBOARDS)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                JsonNode d = json.readTree(p.toFile());
                Set<String> names = new TreeSet<>();
                for (JsonNode expr : d.findValues("expr")) {
                    names.addAll(metricsOf(expr.asText()));
                }
                byDashboard.put(p.getFileName().toString(), names);
            }
        }
        return byDashboard;
    }
}
