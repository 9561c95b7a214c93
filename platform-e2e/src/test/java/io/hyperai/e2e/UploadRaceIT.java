package io.hyperai.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.hyperai.test.Race;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * Issue 15's upload races through the running platform: a user with 4 000 bytes of quota left sends sixteen uploads of
 * 2 000 bytes at once, half of them datasets (warehouse-service), half code bundles (execution-service), all
 * reserving against the one quota storage-service keeps. At most two can be accepted; the others are refused with the
 * quota problem; what is stored and counted afterwards is exactly what was accepted, and nothing stays reserved.
 */
@ExtendWith(E2e.class)
class UploadRaceIT {

    private static final long QUOTA = 10_000;
    private static final int SIZE = 2_000;
    private static final int RACERS = 16;

    @Test
    void dataAndCodeUploadsRacingForTheLastBytesNeverPassTheQuota() throws Exception {
        Api api = Api.get();
        String user = api.newUser("racer", 1);
        api.setQuota(E2e.credentials().id(user), QUOTA);
        String base = api.item(user, "datasets", "base");
        api.upload(user, "datasets", base, "base.bin", Api.random(6_000, 1)).then().statusCode(201);
        await().atMost(Api.WAIT).until(() -> api.storage(user).getLong("usedBytes") == 6_000);
        List<String> datasets = new ArrayList<>();
        for (int i = 0; i < RACERS / 2; i++) {
            datasets.add(api.item(user, "datasets", "racer-" + i));
        }

        List<Response> answers = Race.of(RACERS, i -> i % 2 == 0
                ? api.upload(user, "datasets", datasets.get(i / 2), "race.bin", Api.random(SIZE, 100 + i))
                : api.uploadCode(user, "race.bin", Api.random(SIZE, 100 + i)));

        List<Integer> statuses = new ArrayList<>();
        int accepted = Race.acceptedOrOverQuota(answers, statuses);
        long expected = 6_000L + (long) accepted * SIZE;
        await().atMost(Api.WAIT).until(() -> api.storage(user).getLong("usedBytes") == expected);
        JsonPath after = api.storage(user);
        System.out.printf("e2e upload race: %d uploads (data and code) of %d bytes for the last %d bytes: statuses %s;"
                + " %d accepted; usage %d, reserved %d%n", RACERS, SIZE, QUOTA - 6_000, statuses, accepted,
                after.getLong("usedBytes"), after.getLong("reservedBytes"));
        assertThat(accepted).isBetween(1, 2);
        assertThat(after.getLong("usedBytes")).isLessThanOrEqualTo(QUOTA);
        assertThat(after.getLong("reservedBytes")).isZero();
    }
}
