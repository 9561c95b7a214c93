package io.hyperai.billing;

import static io.hyperai.billing.BillingFixtures.*;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.hyperai.billing.service.AccrualService;
import io.hyperai.test.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * What a user sees of their own billing: balance, running executions, charges, statements as JSON
 * and CSV; and nothing of anybody else's. Alice's March 2025 belongs to this test alone.
 */
@QuarkusTest
class UserApiTest {

    static final String MONTH = "2025-03";
    static final Instant MARCH = Instant.parse("2025-03-10T10:00:00Z");
    static final String FROM = "2025-03-01T00:00:00Z";
    static final String TO = "2025-04-01T00:00:00Z";
    /** execution, gear, spec, price per hour, seconds */
    static final Object[][] MARCH_RUNS = {
            { newId("m1"), "gear-a", "gpu-a100-1", 1290L, 125L },
            { newId("m2"), "gear-a", "cpu-2c4g", 100L, 3601L },
            { newId("m3"), "gear-b", "gpu-a100-1", 1290L, 59L },
    };
    static boolean ran;

    @Inject
    AccrualService accrual;

    @BeforeAll
    static void alicesMarch() {
        if (ran) {
            return;
        }
        ran = true;
        for (Object[] run : MARCH_RUNS) {
            String ex = (String) run[0];
            Instant t0 = MARCH;
            send(ex, started(ex, "alice", (String) run[1], (String) run[2], (Long) run[3], t0));
            send(ex, stopped(ex, "alice", t0, t0.plusSeconds((Long) run[4])));
        }
        for (Object[] run : MARCH_RUNS) {
            awaitSettled((String) run[0]);
        }
    }

    static long cost(Object[] run) {
        return (Long) run[3] * (Long) run[4] / 3600;
    }

    @Test
    void theStatementTotalsPerGearSpecAndExecutionAgreeWithTheCharges() {
        JsonPath statement = given().auth().oauth2(Tokens.alice()).queryParam("month", MONTH)
                .get("/api/v1/billing/me/statement").then().statusCode(200).contentType("application/json")
                .body("userId", equalTo("alice")).body("month", equalTo(MONTH)).extract().jsonPath();
        long total = 0;
        for (Object[] run : MARCH_RUNS) {
            total += cost(run);
            assertThat(statement.getLong("byExecution.find { it.executionId == '" + run[0] + "' }.amountMinor"))
                    .isEqualTo(cost(run));
            assertThat(statement.getLong("byExecution.find { it.executionId == '" + run[0] + "' }.seconds"))
                    .isEqualTo((Long) run[4]);
        }
        assertThat(statement.getLong("totalMinor")).isEqualTo(total);
        assertThat(statement.getLong("byGear.find { it.id == 'gear-a' }.amountMinor"))
                .isEqualTo(cost(MARCH_RUNS[0]) + cost(MARCH_RUNS[1]));
        assertThat(statement.getLong("byGear.find { it.id == 'gear-b' }.amountMinor")).isEqualTo(cost(MARCH_RUNS[2]));
        assertThat(statement.getLong("byComputeSpec.find { it.id == 'gpu-a100-1' }.amountMinor"))
                .isEqualTo(cost(MARCH_RUNS[0]) + cost(MARCH_RUNS[2]));
        assertThat(statement.getLong("byComputeSpec.find { it.id == 'cpu-2c4g' }.amountMinor"))
                .isEqualTo(cost(MARCH_RUNS[1]));

        // the ledger entries of the month, page by page, add up to the same total
        long paged = 0;
        int entries = 0;
        for (int page = 0;; page++) {
            JsonPath p = given().auth().oauth2(Tokens.alice()).queryParam("from", FROM).queryParam("to", TO)
                    .queryParam("page", page).queryParam("size", 7).get("/api/v1/billing/me/charges").then()
                    .statusCode(200).extract().jsonPath();
            List<Integer> amounts = p.getList("items.amountMinor", Integer.class);
            paged += amounts.stream().mapToLong(Integer::longValue).sum();
            entries += amounts.size();
            if (amounts.isEmpty()) {
                assertThat(p.getLong("total")).isEqualTo(entries);
                break;
            }
        }
        assertThat(paged).isEqualTo(total);
        assertThat(entries).isEqualTo(3 + 61 + 1);

        // the CSV carries the same figures
        String csv = given().auth().oauth2(Tokens.alice()).accept("text/csv").queryParam("month", MONTH)
                .get("/api/v1/billing/me/statement").then().statusCode(200).contentType("text/csv")
                .extract().asString();
        Map<String, Long> rows = new HashMap<>();
        String[] lines = csv.split("\n");
        assertThat(lines[0]).isEqualTo("section,id,gear_id,compute_spec_id,mode,amount_minor,seconds,entries");
        for (int i = 1; i < lines.length; i++) {
            String[] cells = lines[i].split(",", -1);
            rows.put(cells[0] + ":" + cells[1], Long.parseLong(cells[5]));
        }
        assertThat(rows.get("total:" + MONTH)).isEqualTo(total);
        assertThat(rows.get("gear:gear-a")).isEqualTo(cost(MARCH_RUNS[0]) + cost(MARCH_RUNS[1]));
        assertThat(rows.get("compute_spec:gpu-a100-1")).isEqualTo(cost(MARCH_RUNS[0]) + cost(MARCH_RUNS[2]));
        for (Object[] run : MARCH_RUNS) {
            assertThat(rows.get("execution:" + run[0])).isEqualTo(cost(run));
        }
    }

    @Test
    void meShowsTheBalanceRunningExecutionsWithTheirCostAndThisMonthsSpend() {
        String ex = newId("alice-running");
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(3));
        send(ex, started(ex, "alice", "gpu-a100-1", 36_000, t0));
        awaitStarted(ex);
        accrueNow(accrual);
        assertThat(charged(ex)).isEqualTo(3 * 600);
        try {
            JsonPath me = given().auth().oauth2(Tokens.alice()).get("/api/v1/billing/me").then().statusCode(200)
                    .body("userId", equalTo("alice"))
                    .body("running.executionId", hasItem(ex))
                    .body("spentThisMonthMinor", greaterThanOrEqualTo(1800))
                    .extract().jsonPath();
            String run = "running.find { it.executionId == '" + ex + "' }";
            assertThat(me.getLong(run + ".chargedMinor")).isEqualTo(1800);
            assertThat(me.getLong(run + ".costSoFarMinor")).isGreaterThanOrEqualTo(1800);
            assertThat(me.getLong(run + ".pricePerHourMinor")).isEqualTo(36_000);
            assertThat(me.getString(run + ".computeSpecId")).isEqualTo("gpu-a100-1");
            // the runway, from what the answer itself shows
            long uncharged = 0;
            long perHour = 0;
            for (int i = 0; i < me.getList("running").size(); i++) {
                uncharged += me.getLong("running[" + i + "].costSoFarMinor") - me.getLong("running[" + i + "].chargedMinor");
                perHour += me.getLong("running[" + i + "].pricePerHourMinor");
            }
            long projected = me.getLong("balanceMinor") - uncharged;
            assertThat(me.getLong("projectedBalanceMinor")).isEqualTo(projected);
            assertThat(me.getLong("runwaySeconds")).isEqualTo(Math.max(0, projected * 3600 / perHour));

            // bob sees none of it
            given().auth().oauth2(Tokens.bob()).get("/api/v1/billing/me").then().statusCode(200)
                    .body("userId", equalTo("bob")).body("running.executionId", not(hasItem(ex)));
            given().auth().oauth2(Tokens.bob()).get("/api/v1/billing/me/charges").then().statusCode(200)
                    .body("items.executionId", not(hasItem(ex)));
        } finally {
            send(ex, stopped(ex, "alice", t0, t0.plusSeconds(200)));
            awaitSettled(ex);
        }
        assertThat(charged(ex)).isEqualTo(2000);
    }

    @Test
    void otherUsersSeeNothingOfAlicesMonth() {
        given().auth().oauth2(Tokens.bob()).queryParam("month", MONTH).get("/api/v1/billing/me/statement").then()
                .statusCode(200).body("userId", equalTo("bob")).body("totalMinor", equalTo(0))
                .body("byExecution.size()", equalTo(0));
        given().auth().oauth2(Tokens.bob()).queryParam("from", FROM).queryParam("to", TO)
                .get("/api/v1/billing/me/charges").then().statusCode(200).body("total", equalTo(0));
    }

    @Test
    void badQueriesAreRefusedNamingTheParameter() {
        List<String[]> cases = new ArrayList<>();
        cases.add(new String[] { "/api/v1/billing/me/statement?month=2025-13", "month" });
        cases.add(new String[] { "/api/v1/billing/me/statement?month=March", "month" });
        cases.add(new String[] { "/api/v1/billing/me/statement", "month" });
        cases.add(new String[] { "/api/v1/billing/me/charges?from=yesterday", "from" });
        cases.add(new String[] { "/api/v1/billing/me/charges?to=2025-03-01", "to" });
        cases.add(new String[] { "/api/v1/billing/me/charges?from=" + TO + "&to=" + FROM, "to" });
        cases.add(new String[] { "/api/v1/billing/me/charges?size=1000", "size" });
        for (String[] c : cases) {
            given().auth().oauth2(Tokens.alice()).get(c[0]).then().statusCode(400)
                    .contentType("application/problem+json").body("errors.field", hasItem(c[1]));
        }
    }
}
