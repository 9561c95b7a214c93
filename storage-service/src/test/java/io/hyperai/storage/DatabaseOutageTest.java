package io.hyperai.storage;

import static io.hyperai.storage.StorageFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.hyperai.common.events.EventType;
import io.hyperai.common.events.payload.StoredBytes;
import io.hyperai.common.events.payload.WarehouseVersionCreated;
import io.hyperai.common.events.payload.WarehouseVersionDeleted;
import io.hyperai.test.DatabaseOutage;
import io.hyperai.test.SharedInfrastructure;
import io.hyperai.test.Sql;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Storage's database away for {@link DatabaseOutage#length()} (5 minutes for the proof, 90 s in the build)
 * while both topics keep bringing usage: versions created and deleted, code uploaded, working directories saved and
 * deleted. Afterwards the user's usage is exactly what was kept, and nothing was dead-lettered.
 */
@QuarkusTest
class DatabaseOutageTest {

    @Test
    void aLongOutageUnderAStreamOfEventsIsWaitedOutAndUsageIsExact() throws Exception {
        Duration outage = DatabaseOutage.length();
        String user = newUser();
        setQuota(user, 1L << 40);
        String before = UUID.randomUUID().toString();
        publish(EventType.WAREHOUSE_VERSION_CREATED, before, new WarehouseVersionCreated(before, "dataset", 1, user,
                5_000, null));
        await().atMost(Duration.ofSeconds(60)).until(() -> used(user) == 5_000);
        long deadBefore = dead();

        long expected = 5_000;
        List<Runnable> stream = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            String item = UUID.randomUUID().toString();
            String code = UUID.randomUUID().toString();
            String output = UUID.randomUUID().toString();
            long v = 1_000 + i, c = 300 + i, o = 70_000 + i;
            stream.add(() -> publish(EventType.WAREHOUSE_VERSION_CREATED, item,
                    new WarehouseVersionCreated(item, "model", 1, user, v, null)));
            stream.add(() -> publish(EventType.CODE_UPLOADED, code, new StoredBytes(code, user, c)));
            stream.add(() -> publish(EventType.OUTPUT_SAVED, output, new StoredBytes(output, user, o)));
            if (i % 3 == 0) { // some go again during the outage
                stream.add(() -> publish(EventType.WAREHOUSE_VERSION_DELETED, item,
                        new WarehouseVersionDeleted(item, "model", 1, user, v)));
                stream.add(() -> publish(EventType.WORKDIR_DELETED, output, new StoredBytes(output, user, o)));
                expected += c;
            } else {
                expected += v + c + o;
            }
        }
        stream.add(() -> publish(EventType.WAREHOUSE_VERSION_DELETED, before,
                new WarehouseVersionDeleted(before, "dataset", 1, user, 5_000)));
        expected -= 5_000;

        long wentAway = System.nanoTime();
        try (DatabaseOutage away = DatabaseOutage.of("storage")) {
            long pause = outage.toMillis() / stream.size();
            for (Runnable event : stream) {
                event.run();
                Thread.sleep(pause);
            }
            Thread.sleep(Math.max(0, outage.toMillis() - (System.nanoTime() - wentAway) / 1_000_000));
        }
        System.out.printf("storage database away %.1f s under a stream of %d events%n",
                (System.nanoTime() - wentAway) / 1e9, stream.size());

        long kept = expected;
        await().atMost(Duration.ofMinutes(2)).until(() -> used(user) == kept);
        assertThat(Sql.number(() -> SharedInfrastructure.postgres().connect("storage"),
                "SELECT coalesce(sum(bytes), 0) FROM storage_object WHERE user_id = ?", user)).isEqualTo(kept);
        assertThat(dead()).isEqualTo(deadBefore);
        // and the service is ready again: its pools let go of the connections the outage ended
        await().atMost(Duration.ofSeconds(60)).until(() -> io.restassured.RestAssured.get("/q/health/ready")
                .statusCode() == 200);
    }

    private static long dead() {
        return Sql.number(() -> SharedInfrastructure.postgres().connect("storage"),
                "SELECT count(*) FROM dead_letter WHERE consumer = 'storage-ledger'");
    }
}
