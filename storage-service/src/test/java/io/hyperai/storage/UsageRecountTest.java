package io.hyperai.storage;

import static io.hyperai.storage.StorageFixtures.*;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.hyperai.common.events.EventCodec;
import io.hyperai.common.events.EventType;
import io.hyperai.common.events.Topics;
import io.hyperai.common.events.payload.StorageUsageCorrected;
import io.hyperai.common.events.payload.StoredBytes;
import io.hyperai.common.events.payload.WarehouseVersionCreated;
import io.hyperai.common.events.payload.WarehouseVersionDeleted;
import io.hyperai.storage.service.UsageRecount;
import io.hyperai.test.KafkaProbe;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;

/**
 * The ledger corrected from the owners of the bytes, object by object: a version whose created event was lost is
 * added, one whose deleted event was lost is removed (once it is older than the grace), a code bundle of another size
 * is resized; the same recount again changes nothing, and the lost event arriving late counts nothing twice.
 */
@QuarkusTest
@QuarkusTestResource(value = OwnersStandIn.class, restrictToAnnotatedClass = false)
class UsageRecountTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    UsageRecount recount;

    @Test
    void lostEventsAreRepairedObjectByObjectAndCountedOnce() throws Throwable {
        String user = newUser();
        setQuota(user, 1_000_000);
        String a = UUID.randomUUID().toString();
        String b = UUID.randomUUID().toString();
        String code = UUID.randomUUID().toString();
        publish(EventType.WAREHOUSE_VERSION_CREATED, a, new WarehouseVersionCreated(a, "dataset", 1, user, 1000, null));
        publish(EventType.WAREHOUSE_VERSION_CREATED, a, new WarehouseVersionCreated(a, "dataset", 2, user, 2000, null));
        publish(EventType.CODE_UPLOADED, code, new StoredBytes(code, user, 600));
        await().atMost(WAIT).until(() -> used(user) == 3600);

        // the truth: a/v2 was deleted (its event lost), b/v1 created (its event lost), the code is 700 bytes
        OwnersStandIn.keeps("warehouse", user, List.of(OwnersStandIn.object("DATASET", a + "/v1", user, 1000),
                OwnersStandIn.object("DATASET", b + "/v1", user, 500)));
        OwnersStandIn.keeps("execution", user, List.of(OwnersStandIn.object("CODE", code, user, 700)));

        // within the grace a/v2 may be newer than the owners' answer: it stays
        assertThat(recountNow(user)).isEqualTo(1);
        assertThat(used(user)).isEqualTo(1000 + 2000 + 500 + 700);
        Thread.sleep(2500);
        assertThat(recountNow(user)).isEqualTo(1);
        given().auth().oauth2(userToken(user)).get("/api/v1/storage/me").then().statusCode(200)
                .body("usedByKind.DATASET", equalTo(1500)).body("usedByKind.CODE", equalTo(700))
                .body("usedBytes", equalTo(2200));

        // nothing left to correct
        assertThat(recountNow(user)).isZero();
        // the lost event comes after all: b/v1 is counted once
        publish(EventType.WAREHOUSE_VERSION_CREATED, b, new WarehouseVersionCreated(b, "dataset", 1, user, 500, null));
        String marker = UUID.randomUUID().toString();
        publish(EventType.WAREHOUSE_VERSION_CREATED, b, new WarehouseVersionCreated(marker, "model", 1, user, 1, null));
        await().atMost(WAIT).until(() -> used(user) == 2201);

        List<StorageUsageCorrected> corrections = KafkaProbe.shared().readUntil(Topics.STORAGE, WAIT,
                rs -> corrections(rs, user).size() >= 2).stream().filter(r -> r.key().equals(user))
                .map(r -> EventCodec.read(r.value())).filter(e -> e.type().equals("storage.usage.corrected"))
                .map(e -> EventCodec.payload(e, StorageUsageCorrected.class)).toList();
        assertThat(corrections).containsExactly(new StorageUsageCorrected(user, 1, 0, 1, 3600, 4200),
                new StorageUsageCorrected(user, 0, 1, 0, 4200, 2200));
    }

    @Test
    void anObjectDeletedWhileTheOwnersAreAskedIsNotBroughtBack() throws Throwable {
        String user = newUser();
        setQuota(user, 1_000_000);
        String c = UUID.randomUUID().toString();
        // the owner answered while c/v1 still existed; its delete event was applied before the correction
        OwnersStandIn.keeps("warehouse", user, List.of(OwnersStandIn.object("DATASET", c + "/v1", user, 300)));
        publish(EventType.WAREHOUSE_VERSION_CREATED, c, new WarehouseVersionCreated(c, "dataset", 1, user, 300, null));
        await().atMost(WAIT).until(() -> used(user) == 300);
        publish(EventType.WAREHOUSE_VERSION_DELETED, c, new WarehouseVersionDeleted(c, "dataset", 1, user, 300));
        await().atMost(WAIT).until(() -> used(user) == 0);

        assertThat(recountNow(user)).isZero();
        assertThat(used(user)).isZero();
    }

    private static List<ConsumerRecord<String, String>> corrections(List<ConsumerRecord<String, String>> records,
            String user) {
        return records.stream().filter(r -> user.equals(r.key()) && r.value().contains("storage.usage.corrected"))
                .toList();
    }

    private int recountNow(String user) throws Throwable {
        return VertxContextSupport.subscribeAndAwait(() -> recount.recount(List.of(user)));
    }
}
