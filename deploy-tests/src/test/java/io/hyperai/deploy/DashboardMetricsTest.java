package io.hyperai.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Every metric named in a Grafana query under deploy/grafana/dashboards is one the services export. What they
 * export is exported-metrics.txt: a SNAPSHOT scraped from each running service's /q/metrics by
 * deploy-tests/scripts/regenerate-exported-metrics.sh (docs/deploy.md). It goes stale when a service's metrics
 * change; billing-service's own DashboardMetricsTest checks billing.json against its live /q/metrics.
 */
class DashboardMetricsTest {

    /** PromQL words that are not metric names. */
    static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "bool", "and", "or", "unless", "offset", "inf", "nan");

    static Set<String> exported() throws IOException {
        Set<String> names = new TreeSet<>();
        try (InputStream in = DashboardMetricsTest.class.getResourceAsStream("/exported-metrics.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    names.add(line.split(" ")[0]);
                }
            }
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
        Map<String, Set<String>> byDashboard = new TreeMap<>();
        try (Stream<Path> files = Files.list(Repo.DASHBOARDS)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                JsonNode d = Kustomize.JSON.readTree(p.toFile());
                Set<String> names = new TreeSet<>();
                for (JsonNode expr : d.findValues("expr")) {
                    names.addAll(metricsOf(expr.asText()));
                }
                byDashboard.put(p.getFileName().toString(), names);
            }
        }
        return byDashboard;
    }

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
    void everyMetricADashboardQueriesIsExported() throws IOException {
        Set<String> exported = exported();
        assertThat(exported).as("exported-metrics.txt").hasSizeGreaterThan(100)
                .contains("hyperai_outbox_backlog", "http_server_requests_seconds_count");
        Map<String, Set<String>> queried = queriedMetrics();
        assertThat(queried).containsKeys("billing.json", "platform-overview.json");
        assertThat(queried.get("platform-overview.json")).contains("hyperai_executions_active",
                "hyperai_outbox_backlog", "http_server_requests_seconds_count",
                "kafka_consumer_fetch_manager_records_lag_max");
        queried.forEach((dashboard, names) -> {
            assertThat(names).as(dashboard + " queries metrics").isNotEmpty();
            List<String> missing = names.stream().filter(n -> !exported.contains(n)).toList();
            assertThat(missing).as(dashboard + ": metrics no service exports (exported-metrics.txt)").isEmpty();
        });
    }
}
