package io.hyperai.it;

import static io.hyperai.it.Api.PROBLEM;
import static io.hyperai.it.Api.gearTraces;
import static io.hyperai.it.Api.newUser;
import static io.hyperai.it.Api.random;
import static io.hyperai.it.Api.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.hyperai.common.events.EventCodec;
import io.hyperai.common.events.Topics;
import io.hyperai.test.KafkaProbe;
import io.hyperai.test.Race;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * Issue 3 across the real services: warehouse-service reserves with storage-service before it keeps
 * an upload, storage-service counts a version's bytes when its event arrives, and gear-service asks
 * storage-service whether the user may create anything. Every user here is new, so the figures are
 * this test's alone.
 */
@ExtendWith(SharedServices.class)
class StorageQuotaIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static Api api;

    @BeforeAll
    static void start() {
        api = new Api(SharedServices.get());
    }

    @Test
    void overQuotaUploadsAndGearsAreRefusedUntilVersionsAreDeleted() {
        String user = newUser("carol");
        String token = token(user);
        api.setQuota(user, 10_000);
        String dataset = api.dataset(token, "quota-filler");

        // usage rises through the created event by exactly the bytes stored
        Response v1 = api.upload(token, dataset, "a.bin", random(4_000, 1));
        v1.then().statusCode(201);
        assertThat(v1.jsonPath().getLong("totalBytes")).isEqualTo(4_000);
        await().atMost(WAIT).until(() -> api.used(token) == 4_000);
        Response v2 = api.upload(token, dataset, "b.bin", random(6_000, 2));
        v2.then().statusCode(201);
        await().atMost(WAIT).until(() -> api.used(token) == 10_000);
        JsonPath full = api.storage(token);
        System.out.printf("quota: quota %d, after uploads of %d and %d bytes usage %d (DATASET %d), reserved %d, blocked %s%n",
                full.getLong("quotaBytes"), v1.jsonPath().getLong("totalBytes"), v2.jsonPath().getLong("totalBytes"),
                full.getLong("usedBytes"), full.getLong("usedByKind.DATASET"), full.getLong("reservedBytes"),
                full.getBoolean("blocked"));
        assertThat(full.getLong("reservedBytes")).isZero();
        assertThat(full.getBoolean("blocked")).isFalse();

        // exactly at the quota: not one byte more fits, but the user is not over it
        Response oneMore = api.upload(token, dataset, "c.bin", random(1, 3));
        oneMore.then().statusCode(409).contentType("application/problem+json")
                .body("type", org.hamcrest.Matchers.equalTo(PROBLEM + "quota-exceeded"));
        String atQuota = "at-quota-" + user;
        api.createGear(token, atQuota, List.of()).then().statusCode(201);

        // the admin lowers the quota below what is stored: the user is over it and blocked
        JsonPath lowered = api.setQuota(user, 8_000);
        assertThat(lowered.getBoolean("blocked")).isTrue();
        assertThat(api.storage(token).getBoolean("blocked")).isTrue();
        Response refusedUpload = api.upload(token, dataset, "d.bin", random(10, 4));
        refusedUpload.then().statusCode(409).contentType("application/problem+json")
                .body("type", org.hamcrest.Matchers.equalTo(PROBLEM + "quota-exceeded"));
        String blockedName = "blocked-" + user;
        Response refusedGear = api.createGear(token, blockedName, List.of());
        refusedGear.then().statusCode(403).contentType("application/problem+json")
                .body("type", org.hamcrest.Matchers.equalTo(PROBLEM + "storage-blocked"));
        assertThat(gearTraces(blockedName)).isZero();
        assertThat(api.versionBytes(token, dataset)).isEqualTo(10_000);
        System.out.printf("quota: lowered to 8000 with 10000 stored: upload %d %s, gear %d %s%n",
                refusedUpload.statusCode(), refusedUpload.jsonPath().getString("type"), refusedGear.statusCode(),
                refusedGear.jsonPath().getString("type"));

        // deleting a version brings usage back under (through the deleted event) and lifts the block
        api.deleteVersion(token, dataset, 2).then().statusCode(204);
        await().atMost(WAIT).until(() -> api.used(token) == 4_000);
        JsonPath under = api.storage(token);
        assertThat(under.getBoolean("blocked")).isFalse();
        Response v3 = api.upload(token, dataset, "e.bin", random(2_000, 5));
        v3.then().statusCode(201);
        String allowedName = "allowed-again-" + user;
        api.createGear(token, allowedName, List.of()).then().statusCode(201);
        await().atMost(WAIT).until(() -> api.used(token) == 6_000);
        System.out.printf("quota: after deleting version 2 usage %d, blocked %s; upload of 2000 accepted as version %d, "
                + "usage %d; gear created again%n", under.getLong("usedBytes"), under.getBoolean("blocked"),
                v3.jsonPath().getInt("version"), api.used(token));
        assertThat(api.storage(token).getBoolean("blocked")).isFalse();

        // reaching 90 % (10 000 of 10 000), crossing the line and back were announced once each, through
        // storage-service's outbox
        List<String> crossings = KafkaProbe.shared().readUntil(Topics.STORAGE, WAIT, rs -> crossings(rs, user).size() >= 3)
                .stream().filter(r -> user.equals(r.key())).map(r -> EventCodec.read(r.value()).type()).toList();
        System.out.printf("quota: storage-events for the user: %s%n", crossings);
        assertThat(crossings).containsExactly("storage.quota.nearly-full", "storage.quota.exceeded",
                "storage.quota.restored");
    }

    private static List<ConsumerRecord<String, String>> crossings(List<ConsumerRecord<String, String>> records,
            String user) {
        return records.stream().filter(r -> user.equals(r.key())).toList();
    }

    @Test
    void concurrentUploadsRacingForTheLastBytesNeverEndOverTheQuota() throws Exception {
        long quota = 10_000;
        int racers = 8;
        int size = 2_000;
        String token = userWith6000Of(quota);
        List<String> datasets = new ArrayList<>();
        for (int i = 0; i < racers; i++) {
            datasets.add(api.dataset(token, "racer-" + i));
        }

        List<Integer> statuses = new ArrayList<>();
        int accepted = Race.acceptedOrOverQuota(Race.of(racers, i -> api.upload(token, datasets.get(i), "race.bin",
                random(size, 100 + i))), statuses);
        long stored = 6_000;
        for (String dataset : datasets) {
            stored += api.versionBytes(token, dataset);
        }
        long expectedUsage = 6_000L + (long) accepted * size;
        await().atMost(WAIT).until(() -> api.used(token) == expectedUsage);
        JsonPath after = api.storage(token);
        System.out.printf("quota race: %d uploads of %d bytes for the last %d bytes of a %d-byte quota: statuses %s, "
                + "%d accepted; versions stored %d bytes, usage %d, reserved %d%n", racers, size, quota - 6_000, quota,
                statuses, accepted, stored, after.getLong("usedBytes"), after.getLong("reservedBytes"));
        assertThat(stored).isEqualTo(expectedUsage).isLessThanOrEqualTo(quota);
        assertThat(after.getLong("usedBytes")).isLessThanOrEqualTo(quota);
        assertThat(after.getLong("reservedBytes")).isZero();
        assertThat(accepted).isBetween(1, 2);
    }

    /** Code uploads reserve their bytes as data uploads do: racing for the last bytes, they never pass the quota. */
    @Test
    void concurrentCodeUploadsRacingForTheLastBytesNeverEndOverTheQuota() throws Exception {
        long quota = 10_000;
        int racers = 8;
        int size = 2_000;
        String token = userWith6000Of(quota);

        List<Integer> statuses = new ArrayList<>();
        int accepted = Race.acceptedOrOverQuota(Race.of(racers, i -> api.uploadCode(token, "race.bin", random(size, 200 + i))),
                statuses);
        long expectedUsage = 6_000L + (long) accepted * size;
        await().atMost(WAIT).until(() -> api.used(token) == expectedUsage);
        JsonPath after = api.storage(token);
        System.out.printf("code quota race: %d uploads of %d bytes for the last %d bytes: statuses %s, %d accepted;"
                + " usage %d, reserved %d%n", racers, size, quota - 6_000, statuses, accepted,
                after.getLong("usedBytes"), after.getLong("reservedBytes"));
        assertThat(after.getLong("usedBytes")).isLessThanOrEqualTo(quota);
        assertThat(after.getLong("reservedBytes")).isZero();
        assertThat(accepted).isBetween(1, 2);
    }

    /** A new user's token, with 6000 bytes of a dataset stored and counted against {@code quota}. */
    private static String userWith6000Of(long quota) {
        String user = newUser("carol");
        String token = token(user);
        api.setQuota(user, quota);
        api.upload(token, api.dataset(token, "base"), "base.bin", random(6_000, 6)).then().statusCode(201);
        await().atMost(WAIT).until(() -> api.used(token) == 6_000);
        return token;
    }
}
