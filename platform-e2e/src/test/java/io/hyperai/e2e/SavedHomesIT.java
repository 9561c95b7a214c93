package io.hyperai.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import io.hyperai.common.events.EventEnvelope;
import io.hyperai.common.events.EventType;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * Issue 15 on the local runtime: however an execution ends (success, failure, memory limit, disk limit, stopped by its
 * user, balance exhausted), its {@code /hyperai/home} is saved and storage counts it exactly, once. Each script first
 * writes {@code out.bin} of a size no other ending uses, then ends its way; each test checks the end recorded, the
 * saved files as the owner lists them, one {@code execution.output.saved} with the measured bytes, and the ledger's
 * object for the execution holding exactly those bytes.
 */
@ExtendWith(E2e.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SavedHomesIT {

    private static final String CHEAP = "cpu-1c2g";

    private static Api api;
    private static EventLog events;
    private static String user;
    /** A user of their own for the exhausted balance, so that the other endings are not stopped with it. */
    private static String poor;
    /** Ending to execution id. */
    private static final Map<String, String> runs = new LinkedHashMap<>();

    /**
     * Every ending starts at once: saved homes are measured on the reconciler's pass (every 30 s), so concurrent runs
     * share one wait instead of adding up six.
     */
    @BeforeAll
    static void startEveryEnding() {
        E2e.assumeLocalRuntime();
        api = Api.get();
        events = new EventLog(E2e.platform());
        user = api.newUser("homes", 10_000);
        poor = api.newUser("homes-poor", 3); // 9 s at the pricey spec's 1 200 per hour
        String gear = api.gear(user, "homes", CHEAP, List.of());
        String smallDisk = diskSpec();
        String diskGear = api.gear(user, "homes small disk", smallDisk, List.of());
        String priceyGear = api.gear(poor, "homes pricey", Api.PRICEY_SPEC, List.of());

        runs.put("succeeded", api.script(user, gear, write(1_111)));
        runs.put("failed", api.script(user, gear, write(2_222) + " && exit 3"));
        // 3 GiB touched (bytearray zeroes its memory) against the spec's 2 GiB
        runs.put("memory", api.script(user, gear, write(3_333) + " && python3 -c 'bytearray(3 * 1024 ** 3)'"));
        // 1 100 MiB into a home that may hold 1 GiB, then wait: the end is the runtime's to make
        runs.put("disk", api.script(user, diskGear, write(4_444)
                + " && head -c 1100M /dev/zero > /hyperai/home/over.bin; sleep 600"));
        runs.put("stopped", api.script(user, gear, write(5_555) + " && echo written && sleep 600"));
        runs.put("exhausted", api.script(poor, priceyGear, write(6_666) + " && echo written && sleep 600"));
    }

    @Test
    @Order(1)
    void stoppedByItsUser() {
        String run = runs.get("stopped");
        await().atMost(Api.WAIT).pollInterval(Duration.ofMillis(500)).until(() -> api.logs(user, run).contains("written"));
        JsonPath stopped = api.stop(user, run);
        assertThat(stopped.getString("state")).isEqualTo("STOPPED");
        assertThat(stopped.getString("reason")).isEqualTo("USER_STOPPED");
        savedOnce(user, "stopped", Map.of("out.bin", 5_555L));
    }

    @Test
    @Order(2)
    void succeeded() {
        assertThat(endedAs(user, "succeeded", "SUCCEEDED", null).getInt("exitCode")).isZero();
        savedOnce(user, "succeeded", Map.of("out.bin", 1_111L));
    }

    @Test
    @Order(3)
    void failedWithItsExitCode() {
        assertThat(endedAs(user, "failed", "FAILED", "EXIT_CODE").getInt("exitCode")).isEqualTo(3);
        savedOnce(user, "failed", Map.of("out.bin", 2_222L));
    }

    @Test
    @Order(4)
    void pastTheMemoryLimit() {
        endedAs(user, "memory", "FAILED", "MEMORY_LIMIT_EXCEEDED");
        savedOnce(user, "memory", Map.of("out.bin", 3_333L));
    }

    /**
     * Saved as far as the disk limit allows, file by file: out.bin whole; over.bin, past the limit by itself, is left
     * out (it was saved whole, 1.1 GiB in all, before a save had a limit).
     */
    @Test
    @Order(5)
    void pastTheDiskLimit() {
        endedAs(user, "disk", "FAILED", "DISK_LIMIT_EXCEEDED");
        savedOnce(user, "disk", Map.of("out.bin", 4_444L));
    }

    @Test
    @Order(6)
    void stoppedByAnExhaustedBalance() {
        endedAs(poor, "exhausted", "STOPPED", "BALANCE_EXHAUSTED");
        assertThat(api.logs(poor, runs.get("exhausted"))).contains("written");
        savedOnce(poor, "exhausted", Map.of("out.bin", 6_666L));
    }

    /** Each user's working directories add up to their executions' saved homes, each counted once. */
    @Test
    @Order(7)
    void usageIsTheSumOfTheSavedHomes() {
        long expected = 5_555 + 1_111 + 2_222 + 3_333 + 4_444;
        await().atMost(Api.WAIT).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertThat(api.storage(user).getLong("usedByKind.WORKING_DIRECTORY")).isEqualTo(expected);
            assertThat(api.storage(poor).getLong("usedByKind.WORKING_DIRECTORY")).isEqualTo(6_666);
        });
    }

    /** Waits for the ending's execution to end, which must be with this state and reason. */
    private static JsonPath endedAs(String owner, String ending, String state, String reason) {
        JsonPath ended = api.awaitState(owner, runs.get(ending), "SUCCEEDED", "FAILED", "STOPPED");
        assertThat(ended.getString("state")).isEqualTo(state);
        assertThat(ended.getString("reason")).isEqualTo(reason);
        return ended;
    }

    /**
     * The saved home is exactly {@code files}: listed so, measured as their sum, announced once with that size, and
     * kept by storage as one object of that size.
     */
    private static void savedOnce(String owner, String ending, Map<String, Long> files) {
        String run = runs.get(ending);
        long saved = api.savedBytes(run);
        long expected = files.values().stream().mapToLong(Long::longValue).sum();
        assertThat(api.outputFiles(owner, run)).isEqualTo(files);
        assertThat(saved).isEqualTo(expected);
        String ownerId = E2e.credentials().id(owner);
        await().atMost(Api.WAIT).pollInterval(Duration.ofMillis(500))
                .until(() -> api.ledgerWorkingDirectory(ownerId, run) == expected);
        List<EventEnvelope> announced = events.events(EventType.OUTPUT_SAVED, run);
        assertThat(announced.stream().map(EventEnvelope::id).distinct()).as("execution.output.saved of %s", run)
                .hasSize(1);
        assertThat(announced.get(0).data().path("bytes").asLong()).isEqualTo(expected);
        JsonPath e = api.execution(owner, run);
        System.out.printf("e2e saved homes: %s %s after %d s: saved %s, %d bytes, counted once%n", e.getString("state"),
                e.getString("reason"), Api.seconds(e), files, saved);
    }

    private static String write(int bytes) {
        return "head -c " + bytes + " /dev/urandom > /hyperai/home/out.bin";
    }

    /** A spec of this class's own whose home may hold 1 GiB: the catalogue's smallest disk is 20 GiB. */
    private static String diskSpec() {
        String id = "e2e-disk-" + UUID.randomUUID().toString().substring(0, 8);
        api.asAdmin("gear").contentType(ContentType.JSON).body(Map.of("id", id, "kind", "CPU", "vcpu", 1,
                "memoryMib", 2048, "diskGib", 1, "pricePerHourMinor", 50, "currency", "CNY"))
                .post("/api/v1/compute-specs").then().statusCode(201);
        return id;
    }
}
