package io.hyperai.billing;

import static io.hyperai.billing.BillingFixtures.*;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.hyperai.billing.service.AccrualService;
import io.hyperai.billing.service.BillingMetrics;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;

/** Every metric the Grafana billing dashboard queries is one the service exports. */
@QuarkusTest
class DashboardMetricsTest {

    static final Path DASHBOARD = Path.of("..", "deploy", "grafana", "dashboards", "billing.json");
    static final Pattern METRIC = Pattern.compile("hyperai_[a-z_]+");

    @Inject
    BillingMetrics metrics;
    @Inject
    AccrualService accrual;

    @Test
    void everyMetricTheDashboardQueriesIsExported() throws Throwable {
        Set<String> queried = queriedMetrics();
        assertThat(queried).contains("hyperai_billing_charged_minor_total", "hyperai_billing_running_executions",
                "hyperai_billing_running_seconds_total", "hyperai_billing_balances_exhausted_total",
                "hyperai_billing_ledger_lag_seconds");

        // something running, something charged, something refunded: every labelled series exists
        String running = newId("dash-running");
        String refunded = newId("dash-refunded");
        String owner = newId("owner");
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        send(running, started(running, owner, "cpu-2c4g", 3600, now.minus(Duration.ofMinutes(2))));
        send(refunded, started(refunded, owner, "cpu-2c4g", 3600, now.minus(Duration.ofMinutes(3))));
        awaitStarted(running);
        awaitStarted(refunded);
        accrueNow(accrual);
        assertThat(entries(refunded)).hasSize(3);
        send(refunded, stopped(refunded, owner, now.minus(Duration.ofMinutes(3)), now.minus(Duration.ofMinutes(2))));
        awaitSettled(refunded);
        try {
            VertxContextSupport.subscribeAndAwait(metrics::refresh);
            String exported = given().get("/q/metrics").then().statusCode(200).extract().asString();
            List<String> missing = new ArrayList<>();
            for (String metric : queried) {
                if (!Pattern.compile("(?m)^" + metric + "[{ ]").matcher(exported).find()) {
                    missing.add(metric);
                }
            }
            assertThat(missing).as("metrics the dashboard queries that /q/metrics does not export").isEmpty();
            assertThat(exported).doesNotContain("owner=").doesNotContain("user=");
            // the event lag is now minus the newest event time in the ledger's runs (0 if that is ahead)
            Matcher lag = Pattern.compile("(?m)^hyperai_billing_event_lag_seconds (\\S+)").matcher(exported);
            assertThat(lag.find()).as("hyperai_billing_event_lag_seconds is exported").isTrue();
            double expected = Math.max(0, (System.currentTimeMillis() - newestEventMillis()) / 1000.0);
            assertThat(Double.parseDouble(lag.group(1))).isCloseTo(expected, org.assertj.core.data.Offset.offset(30.0));
        } finally {
            send(running, stopped(running, owner, now.minus(Duration.ofMinutes(2)), now));
            awaitSettled(running);
        }
    }

    private static long newestEventMillis() throws java.sql.SQLException {
        try (java.sql.Connection c = io.hyperai.test.SharedInfrastructure.postgres().connect("billing");
                java.sql.ResultSet rs = c.createStatement().executeQuery(
                        "SELECT max(GREATEST(started_at, COALESCE(ended_at, started_at))) FROM metered_run")) {
            rs.next();
            return rs.getTimestamp(1).getTime();
        }
    }

    static Set<String> queriedMetrics() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
        Set<String> names = new TreeSet<>();
        for (JsonNode expr : dashboard.findValues("expr")) {
            Matcher m = METRIC.matcher(expr.asText());
            while (m.find()) {
                names.add(m.group());
            }
        }
        return names;
    }
}
