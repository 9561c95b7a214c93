package io.hyperai.storage;

import static io.hyperai.storage.StorageFixtures.admission;
import static io.hyperai.storage.StorageFixtures.event;
import static io.hyperai.storage.StorageFixtures.newUser;
import static io.hyperai.storage.StorageFixtures.publish;
import static io.hyperai.storage.StorageFixtures.reserve;
import static io.hyperai.storage.StorageFixtures.send;
import static io.hyperai.storage.StorageFixtures.setQuota;
import static io.hyperai.storage.StorageFixtures.used;
import static io.hyperai.storage.StorageFixtures.userToken;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.hyperai.common.events.EventCodec;
import io.hyperai.common.events.EventEnvelope;
import io.hyperai.common.events.EventType;
import io.hyperai.common.events.Topics;
import io.hyperai.common.events.payload.StorageQuotaState;
import io.hyperai.common.events.payload.StoredBytes;
import io.hyperai.common.events.payload.WarehouseItemDeleted;
import io.hyperai.common.events.payload.WarehouseVersionCreated;
import io.hyperai.common.events.payload.WarehouseVersionDeleted;
import io.hyperai.test.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
class LedgerEventsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void aCreatedVersionSettlesItsReservationAndCountsItsBytes() {
        String user = newUser();
        setQuota(user, 10_000);
        String reservation = reserve(user, 4000);
        String item = UUID.randomUUID().toString();
        publish(EventType.WAREHOUSE_VERSION_CREATED, item,
                new WarehouseVersionCreated(item, "dataset", 1, user, 3500, reservation));
        await().atMost(WAIT).until(() -> used(user) == 3500);
        assertThat(admission(user).getLong("reservedBytes")).isZero();
        given().auth().oauth2(userToken(user)).get("/api/v1/storage/me").then().statusCode(200)
                .body("usedBytes", equalTo(3500)).body("usedByKind.DATASET", equalTo(3500))
                .body("usedByKind.MODEL", equalTo(0)).body("reservedBytes", equalTo(0))
                .body("quotaBytes", equalTo(10_000)).body("blocked", equalTo(false));
        // another user sees nothing of it
        given().auth().oauth2(Tokens.bob()).get("/api/v1/storage/me").then().statusCode(200)
                .body("usedByKind.DATASET", equalTo(0));
    }

    /** Code uploads reserve like data uploads: their event settles the reservation as it counts the bytes. */
    @Test
    void uploadedCodeSettlesItsReservationAndCountsItsBytes() {
        String user = newUser();
        setQuota(user, 10_000);
        String reservation = reserve(user, 600);
        String code = UUID.randomUUID().toString();
        publish(EventType.CODE_UPLOADED, code, new StoredBytes(code, user, 600, reservation));
        await().atMost(WAIT).until(() -> used(user) == 600);
        assertThat(admission(user).getLong("reservedBytes")).isZero();
        given().auth().oauth2(userToken(user)).get("/api/v1/storage/me").then().statusCode(200)
                .body("usedByKind.CODE", equalTo(600)).body("reservedBytes", equalTo(0));
    }

    @Test
    void aRedeliveredEventChangesNothing() {
        String user = newUser();
        String item = UUID.randomUUID().toString();
        EventEnvelope created = event(EventType.WAREHOUSE_VERSION_CREATED, item,
                new WarehouseVersionCreated(item, "model", 1, user, 700, null));
        send(EventType.WAREHOUSE_VERSION_CREATED, created);
        send(EventType.WAREHOUSE_VERSION_CREATED, created);
        // a later event of the same aggregate (same partition) is applied after both copies
        publish(EventType.WAREHOUSE_VERSION_CREATED, item, new WarehouseVersionCreated(item, "model", 2, user, 5, null));
        await().atMost(WAIT).until(() -> used(user) == 705);
        send(EventType.WAREHOUSE_VERSION_CREATED, created);
        EventEnvelope deleted = publish(EventType.WAREHOUSE_VERSION_DELETED, item,
                new WarehouseVersionDeleted(item, "model", 2, user, 5));
        send(EventType.WAREHOUSE_VERSION_DELETED, deleted);
        publish(EventType.WAREHOUSE_VERSION_CREATED, item, new WarehouseVersionCreated(item, "model", 3, user, 1, null));
        await().atMost(WAIT).until(() -> used(user) == 701);
        given().auth().oauth2(userToken(user)).get("/api/v1/storage/me").then().statusCode(200)
                .body("usedByKind.MODEL", equalTo(701));
    }

    @Test
    void codeAndWorkingDirectoriesCountByKindAndDeletingAnItemDropsItsVersions() {
        String user = newUser();
        String execution = UUID.randomUUID().toString();
        publish(EventType.CODE_UPLOADED, execution, new StoredBytes("code-" + execution, user, 100));
        publish(EventType.OUTPUT_SAVED, execution, new StoredBytes(execution, user, 200));
        String item = UUID.randomUUID().toString();
        publish(EventType.WAREHOUSE_VERSION_CREATED, item, new WarehouseVersionCreated(item, "dataset", 1, user, 30, null));
        publish(EventType.WAREHOUSE_VERSION_CREATED, item, new WarehouseVersionCreated(item, "dataset", 2, user, 40, null));
        await().atMost(WAIT).until(() -> used(user) == 370);
        given().auth().oauth2(userToken(user)).get("/api/v1/storage/me").then().statusCode(200)
                .body("usedByKind.CODE", equalTo(100)).body("usedByKind.WORKING_DIRECTORY", equalTo(200))
                .body("usedByKind.DATASET", equalTo(70));
        publish(EventType.WORKDIR_DELETED, execution, new StoredBytes(execution, user, 200));
        publish(EventType.CODE_DELETED, execution, new StoredBytes("code-" + execution, user, 100));
        publish(EventType.WAREHOUSE_ITEM_DELETED, item, new WarehouseItemDeleted(item, "dataset", user));
        await().atMost(WAIT).until(() -> used(user) == 0);
    }

    @Test
    void crossingTheQuotaIsPublishedOncePerCrossing() {
        String user = newUser();
        setQuota(user, 1000);
        String item = UUID.randomUUID().toString();
        publish(EventType.WAREHOUSE_VERSION_CREATED, item, new WarehouseVersionCreated(item, "dataset", 1, user, 600, null));
        publish(EventType.WAREHOUSE_VERSION_CREATED, item, new WarehouseVersionCreated(item, "dataset", 2, user, 600, null));
        publish(EventType.WAREHOUSE_VERSION_CREATED, item, new WarehouseVersionCreated(item, "dataset", 3, user, 100, null));
        await().atMost(WAIT).until(() -> used(user) == 1300);
        assertThat(admission(user).getBoolean("blocked")).isTrue();
        assertThat(admission(user).getString("reason")).contains("over the quota");
        given().auth().oauth2(StorageFixtures.service()).contentType(ContentType.JSON)
                .body(Map.of("userId", user, "bytes", 1)).post("/internal/storage/reservations").then().statusCode(409);
        publish(EventType.WAREHOUSE_VERSION_DELETED, item, new WarehouseVersionDeleted(item, "dataset", 2, user, 600));
        await().atMost(WAIT).until(() -> used(user) == 700);
        assertThat(admission(user).getBoolean("blocked")).isFalse();

        List<EventEnvelope> crossings = quotaEvents(user, 2);
        assertThat(crossings).extracting(EventEnvelope::type)
                .containsExactly("storage.quota.exceeded", "storage.quota.restored");
        StorageQuotaState exceeded = EventCodec.payload(crossings.get(0), StorageQuotaState.class);
        assertThat(exceeded).isEqualTo(new StorageQuotaState(user, 1000, 1200));
        assertThat(crossings.get(0).subject()).isEqualTo(user);
        assertThat(EventCodec.payload(crossings.get(1), StorageQuotaState.class).usedBytes()).isEqualTo(700);
    }

    /** At 90 % of the quota (the default ratio): once per upward crossing, re-armed below; not when going straight over. */
    @Test
    void nearlyFullIsPublishedOncePerUpwardCrossing() {
        String user = newUser();
        setQuota(user, 1000);
        String item = UUID.randomUUID().toString();
        publish(EventType.WAREHOUSE_VERSION_CREATED, item, new WarehouseVersionCreated(item, "dataset", 1, user, 500, null));
        publish(EventType.WAREHOUSE_VERSION_CREATED, item, new WarehouseVersionCreated(item, "dataset", 2, user, 400, null));
        publish(EventType.WAREHOUSE_VERSION_CREATED, item, new WarehouseVersionCreated(item, "dataset", 3, user, 50, null));
        await().atMost(WAIT).until(() -> used(user) == 950);
        publish(EventType.WAREHOUSE_VERSION_DELETED, item, new WarehouseVersionDeleted(item, "dataset", 2, user, 400));
        await().atMost(WAIT).until(() -> used(user) == 550);
        publish(EventType.WAREHOUSE_VERSION_CREATED, item, new WarehouseVersionCreated(item, "dataset", 4, user, 380, null));
        await().atMost(WAIT).until(() -> used(user) == 930);
        // from under the ratio straight over the quota: exceeded only
        publish(EventType.WAREHOUSE_VERSION_DELETED, item, new WarehouseVersionDeleted(item, "dataset", 4, user, 380));
        await().atMost(WAIT).until(() -> used(user) == 550);
        publish(EventType.WAREHOUSE_VERSION_CREATED, item, new WarehouseVersionCreated(item, "dataset", 5, user, 600, null));
        await().atMost(WAIT).until(() -> used(user) == 1150);

        List<EventEnvelope> events = quotaEvents(user, 3);
        assertThat(events).extracting(EventEnvelope::type).containsExactly("storage.quota.nearly-full",
                "storage.quota.nearly-full", "storage.quota.exceeded");
        assertThat(EventCodec.payload(events.get(0), StorageQuotaState.class))
                .isEqualTo(new StorageQuotaState(user, 1000, 900));
        assertThat(EventCodec.payload(events.get(1), StorageQuotaState.class).usedBytes()).isEqualTo(930);
    }

    @Test
    void anAdminQuotaChangeMayBlockAndUnblock() {
        String user = newUser();
        String item = UUID.randomUUID().toString();
        publish(EventType.WAREHOUSE_VERSION_CREATED, item, new WarehouseVersionCreated(item, "model", 1, user, 700, null));
        await().atMost(WAIT).until(() -> used(user) == 700);
        given().auth().oauth2(Tokens.admin()).contentType(ContentType.JSON).body(Map.of("quotaBytes", 500))
                .put("/api/v1/storage/quotas/" + user).then().statusCode(200)
                .body("quotaBytes", equalTo(500)).body("usedBytes", equalTo(700)).body("blocked", equalTo(true));
        given().auth().oauth2(userToken(user)).get("/api/v1/storage/me").then().statusCode(200)
                .body("blocked", equalTo(true));
        given().auth().oauth2(Tokens.admin()).contentType(ContentType.JSON).body(Map.of("quotaBytes", 700))
                .put("/api/v1/storage/quotas/" + user).then().statusCode(200).body("blocked", equalTo(false));
        given().auth().oauth2(Tokens.admin()).get("/api/v1/storage/quotas/" + user).then().statusCode(200)
                .body("quotaBytes", equalTo(700)).body("blocked", equalTo(false));
        List<EventEnvelope> crossings = quotaEvents(user, 2);
        assertThat(crossings).extracting(EventEnvelope::type)
                .containsExactly("storage.quota.exceeded", "storage.quota.restored");
    }

    @Test
    void quotasAreForAdminsAndMustNotBeNegative() {
        String user = newUser();
        given().auth().oauth2(Tokens.admin()).contentType(ContentType.JSON).body(Map.of("quotaBytes", -1))
                .put("/api/v1/storage/quotas/" + user).then().statusCode(400)
                .contentType("application/problem+json").body("errors.field", hasItems("quotaBytes"));
        given().auth().oauth2(Tokens.admin()).contentType(ContentType.JSON).body(Map.of())
                .put("/api/v1/storage/quotas/" + user).then().statusCode(400).body("errors.field", hasItems("quotaBytes"));
        given().auth().oauth2(Tokens.admin()).contentType(ContentType.JSON).body("{\"quotaBytes\":\"lots\"}")
                .put("/api/v1/storage/quotas/" + user).then().statusCode(400);
        given().auth().oauth2(Tokens.bob()).contentType(ContentType.JSON).body(Map.of("quotaBytes", 5))
                .put("/api/v1/storage/quotas/" + user).then().statusCode(403);
        assertThat(admission(user).getLong("quotaBytes")).isEqualTo(21474836480L);
    }

    /** The quota events about {@code user} on storage-events, once at least {@code expected} are there. */
    private static List<EventEnvelope> quotaEvents(String user, int expected) {
        List<ConsumerRecord<String, String>> records = StorageFixtures.KAFKA.readUntil(Topics.STORAGE, WAIT,
                read -> read.stream().filter(r -> user.equals(r.key())).count() >= expected);
        // give a wrongly repeated event time to show up
        List<ConsumerRecord<String, String>> again = StorageFixtures.KAFKA.readUntil(Topics.STORAGE,
                Duration.ofSeconds(2), read -> false);
        assertThat(again.stream().filter(r -> user.equals(r.key())).count())
                .isEqualTo(records.stream().filter(r -> user.equals(r.key())).count());
        return records.stream().filter(r -> user.equals(r.key())).map(r -> EventCodec.read(r.value())).toList();
    }
}
