package io.hyperai.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every event in every topic delivered a second time (each record produced again, unchanged, so with the same event
 * id), as a broker or producer retry would: once every consumer group has read it all, balances, the ledger, storage
 * usage and execution states are what they were. Runs after the other tests in this module (alphabetical order), so
 * it replays what they produced too.
 */
@ExtendWith(E2e.class)
class ReplayIT {

    /** What the consumers of events maintain, as sums that change if any event is applied twice. */
    private static final Map<String, String> FIGURES = figures();

    private static Map<String, String> figures() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("billing: sum of balances", "billing|SELECT COALESCE(sum(balance_minor), 0) FROM billing_account");
        f.put("billing: ledger entries", "billing|SELECT count(*) FROM charge");
        f.put("billing: ledger sum", "billing|SELECT COALESCE(sum(amount_minor), 0) FROM charge");
        f.put("billing: exhausted accounts", "billing|SELECT count(*) FROM billing_account WHERE exhausted");
        f.put("billing: metered runs", "billing|SELECT count(*) FROM metered_run");
        f.put("storage: used bytes", "storage|SELECT COALESCE(sum(bytes), 0) FROM storage_usage");
        f.put("storage: objects", "storage|SELECT count(*) FROM storage_object");
        f.put("storage: blocked users", "storage|SELECT count(*) FROM storage_quota WHERE over_quota");
        f.put("execution: running", "execution|SELECT count(*) FROM execution WHERE state = 'RUNNING'");
        f.put("execution: stopped", "execution|SELECT count(*) FROM execution WHERE state = 'STOPPED'");
        f.put("execution: failed", "execution|SELECT count(*) FROM execution WHERE state = 'FAILED'");
        f.put("execution: succeeded", "execution|SELECT count(*) FROM execution WHERE state = 'SUCCEEDED'");
        f.put("execution: transitions", "execution|SELECT count(*) FROM execution_transition");
        f.put("gear: gears", "gear|SELECT count(*) FROM gear");
        return f;
    }

    @Test
    void everyEventDeliveredTwiceChangesNothing() {
        E2e.assumeLocalRuntime();
        Api api = Api.get();
        EventLog log = new EventLog(E2e.platform());
        // something of everything, in case this class runs alone
        String user = api.newUser("replay", 2_500); // 7 500 s at the pricey spec's 1 200 per hour
        String dataset = api.item(user, "datasets", "replayed");
        api.upload(user, "datasets", dataset, "x.bin", Api.random(10_000, 5)).then().statusCode(201);
        String gear = api.gear(user, "replayed", Api.PRICEY_SPEC, List.of());
        String run = api.script(user, gear, "echo replayed > /hyperai/home/r.txt; sleep 12");
        api.awaitState(user, run, "SUCCEEDED");
        api.awaitSettled(run);
        api.savedBytes(run);

        long settledMs = log.awaitCaughtUp(Api.WAIT);
        Map<String, Long> before = snapshot(api);
        Platform.sleep(12_000); // an accrual period: the figures are at rest
        assertThat(snapshot(api)).as("nothing changes by itself").isEqualTo(before);

        List<ConsumerRecord<String, String>> records = log.readAll();
        log.redeliver(records);
        long consumedMs = log.awaitCaughtUp(Api.WAIT);
        Platform.sleep(5_000); // effects of the last records commit with their offsets; a margin all the same
        Map<String, Long> after = snapshot(api);
        System.out.printf("e2e replay: every group read everything %d ms after the run settled; %d records delivered "
                + "again, read by %d consumer groups in %d ms; figures %s%n", settledMs, records.size(),
                log.groups().size(), consumedMs, after);
        assertThat(records).isNotEmpty();
        assertThat(after).isEqualTo(before);
    }

    private static Map<String, Long> snapshot(Api api) {
        Map<String, Long> s = new LinkedHashMap<>();
        FIGURES.forEach((name, q) -> {
            String[] dbAndSql = q.split("\\|", 2);
            s.put(name, api.number(dbAndSql[0], dbAndSql[1]));
        });
        return s;
    }
}
