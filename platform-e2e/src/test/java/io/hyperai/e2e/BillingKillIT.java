package io.hyperai.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * kill -9 of billing-service while a user's executions start and stop; the launcher starts it again by itself: every
 * execution is charged floor(price x seconds / 3600) for the times execution-service recorded, to the minor unit, and
 * the balance is the top-up minus exactly those charges.
 */
@ExtendWith(E2e.class)
class BillingKillIT {

    private static final String SPEC = Api.PRICEY_SPEC;
    /** At 1 200 per hour, 150 000 s of running: never runs out here. */
    private static final long TOP_UP = 50_000;

    @Test
    void theLedgerAfterACrashHoldsExactlyTheExpectedCharges() {
        E2e.assumeLocalRuntime();
        Api api = Api.get();
        Platform platform = E2e.platform();
        String user = api.newUser("billing", TOP_UP);
        String gear = api.gear(user, "billing crash", SPEC, List.of());
        // a user who has never started anything: billing's word on them is not known here yet
        String stranger = api.newUser("billing", TOP_UP);
        String strangersGear = api.gear(stranger, "billing crash, first start", SPEC, List.of());

        List<String> runs = new ArrayList<>();
        // ends while billing runs, ends around the crash, ends after it is back, runs across (stopped at the end)
        runs.add(api.script(user, gear, "sleep 3"));
        runs.add(api.script(user, gear, "sleep 30"));
        runs.add(api.script(user, gear, "sleep 45"));
        runs.add(api.script(user, gear, "sleep 600"));
        runs.add(api.workspace(user, gear));
        for (String id : runs.subList(1, runs.size())) {
            api.awaitState(user, id, "RUNNING");
        }
        api.awaitState(user, runs.get(0), "SUCCEEDED");
        Platform.sleep(12_000); // at least one accrual of the running ones before the crash

        long pid = platform.kill("billing");
        long killedAt = System.nanoTime();
        // while it is down: an execution is stopped; a start of the user whose standing execution-service learned
        // from billing minutes ago is admitted from that (issue 21) and metered once billing is back; a first start
        // of another user cannot be admitted without billing
        api.stop(user, runs.get(4));
        Response admitted = api.start(user, gear, "script", "true");
        assertThat(admitted.statusCode()).as(admitted.asString()).isEqualTo(201);
        runs.add(admitted.jsonPath().getString("id"));
        Response refused = api.start(stranger, strangersGear, "script", "true");
        assertThat(refused.statusCode()).as(refused.asString()).isEqualTo(503);
        assertThat(refused.header("Retry-After")).isNotNull();
        // no ./platform restart: up restarts a service that exited on its own; it catches up on what it missed
        platform.awaitBack("billing", pid);
        long downMs = (System.nanoTime() - killedAt) / 1_000_000;
        api.awaitState(user, runs.get(1), "SUCCEEDED");
        runs.add(api.script(user, gear, "sleep 4")); // starts and ends after the restart
        api.awaitState(user, runs.get(2), "SUCCEEDED");
        api.stop(user, runs.get(3));

        long total = 0;
        for (String id : runs) {
            JsonPath e = api.awaitState(user, id, "SUCCEEDED", "STOPPED", "FAILED");
            api.awaitSettled(id);
            long expected = Api.expectedCharge(e);
            long charged = api.charged(id);
            System.out.printf("e2e billing kill: %s %-9s %4d s at %d/h: charged %d, expected %d%n", id,
                    e.getString("state"), Api.seconds(e), e.getLong("pricePerHourMinor"), charged, expected);
            assertThat(charged).as("execution %s", id).isEqualTo(expected);
            assertThat(api.number("billing", "SELECT count(*) - count(DISTINCT interval_no) FROM charge "
                    + "WHERE execution_id = ?", id)).as("an interval charged twice").isZero();
            total += expected;
        }
        assertThat(api.as(user, "billing").get("/api/v1/billing/me").jsonPath().getLong("balanceMinor"))
                .isEqualTo(TOP_UP - total);
        System.out.printf("e2e billing kill: pid %d killed, ready again (restarted by the launcher) after %d ms; %d "
                + "executions charged %d in all, balance %d%n", pid, downMs, runs.size(), total, TOP_UP - total);
    }
}
