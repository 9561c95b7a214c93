package io.hyperai.storage;

import static io.hyperai.storage.StorageFixtures.admission;
import static io.hyperai.storage.StorageFixtures.newUser;
import static io.hyperai.storage.StorageFixtures.reserve;
import static io.hyperai.storage.StorageFixtures.service;
import static io.hyperai.storage.StorageFixtures.setQuota;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.hyperai.storage.service.ReservationService;
import io.hyperai.test.SharedInfrastructure;
import io.hyperai.test.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.vertx.RunOnVertxContext;
import io.quarkus.test.vertx.UniAsserter;
import io.restassured.http.ContentType;

@QuarkusTest
class ReservationTest {

    @Inject
    ReservationService reservations;

    @Test
    void concurrentReservationsForTheLastBytesNeverOverbook() throws Exception {
        String user = newUser();
        setQuota(user, 10_000);
        int racers = 24;
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < racers; i++) {
                Callable<Integer> call = () -> {
                    start.await();
                    return given().auth().oauth2(service()).contentType(ContentType.JSON)
                            .body(Map.of("userId", user, "bytes", 1000)).post("/internal/storage/reservations")
                            .statusCode();
                };
                answers.add(pool.submit(call));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> answer : answers) {
                statuses.add(answer.get());
            }
            assertThat(statuses).filteredOn(s -> s == 201).hasSize(10);
            assertThat(statuses).filteredOn(s -> s == 409).hasSize(racers - 10);
        } finally {
            pool.shutdownNow();
        }
        assertThat(admission(user).getLong("reservedBytes")).isEqualTo(10_000);
    }

    @Test
    void aReservationRepeatedUnderItsIdIsHeldOnceWhoeverAsksFirst() throws Exception {
        // a caller that lost the answer asks again with the same id, possibly while the first is still running
        String user = newUser();
        setQuota(user, 10_000);
        String id = UUID.randomUUID().toString();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<String>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return given().auth().oauth2(service()).contentType(ContentType.JSON)
                            .body(Map.of("userId", user, "bytes", 3000, "id", id))
                            .post("/internal/storage/reservations").then().statusCode(201).extract().<String>path("id");
                }));
            }
            start.countDown();
            for (Future<String> answer : answers) {
                assertThat(answer.get()).isEqualTo(id);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(admission(user).getLong("reservedBytes")).isEqualTo(3000);

        // the same id for other bytes (or another user) is refused and holds nothing
        given().auth().oauth2(service()).contentType(ContentType.JSON)
                .body(Map.of("userId", user, "bytes", 10, "id", id)).post("/internal/storage/reservations")
                .then().statusCode(409).body("type", equalTo("urn:hyperai:problem:reservation-id-taken"));
        String other = newUser();
        given().auth().oauth2(service()).contentType(ContentType.JSON)
                .body(Map.of("userId", other, "bytes", 3000, "id", id)).post("/internal/storage/reservations")
                .then().statusCode(409);
        assertThat(admission(user).getLong("reservedBytes")).isEqualTo(3000);
        assertThat(admission(other).getLong("reservedBytes")).isZero();
    }

    @Test
    void aReservationOverTheQuotaIsAConflictOfTheDocumentedType() {
        String user = newUser();
        setQuota(user, 1000);
        given().auth().oauth2(service()).contentType(ContentType.JSON).body(Map.of("userId", user, "bytes", 1001))
                .post("/internal/storage/reservations").then().statusCode(409)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:hyperai:problem:quota-exceeded"));
        given().auth().oauth2(service()).contentType(ContentType.JSON).body(Map.of("userId", user, "bytes", 1000))
                .post("/internal/storage/reservations").then().statusCode(201)
                .header("Location", notNullValue())
                .body("id", notNullValue()).body("userId", equalTo(user)).body("bytes", equalTo(1000))
                .body("expiresAt", notNullValue());
    }

    @Test
    void releasingGivesTheBytesBackAndIsIdempotent() {
        String user = newUser();
        setQuota(user, 1000);
        String id = reserve(user, 800);
        assertThat(admission(user).getLong("reservedBytes")).isEqualTo(800);
        given().auth().oauth2(service()).delete("/internal/storage/reservations/" + id).then().statusCode(204);
        given().auth().oauth2(service()).delete("/internal/storage/reservations/" + id).then().statusCode(204);
        assertThat(admission(user).getLong("reservedBytes")).isZero();
        reserve(user, 1000);
        given().auth().oauth2(service()).delete("/internal/storage/reservations/not-an-id").then().statusCode(400)
                .body("errors.field", hasItems("id"));
    }

    @Test
    void badReservationRequestsNameTheFieldAndChangeNothing() {
        String user = newUser();
        given().auth().oauth2(service()).contentType(ContentType.JSON).body(Map.of("userId", "", "bytes", -5))
                .post("/internal/storage/reservations").then().statusCode(400)
                .contentType("application/problem+json").body("errors.field", hasItems("userId", "bytes"));
        given().auth().oauth2(service()).contentType(ContentType.JSON).body(Map.of("userId", user))
                .post("/internal/storage/reservations").then().statusCode(400).body("errors.field", hasItems("bytes"));
        given().auth().oauth2(service()).contentType(ContentType.JSON).body("{\"userId\":")
                .post("/internal/storage/reservations").then().statusCode(400);
        given().auth().oauth2(service()).contentType(ContentType.JSON)
                .body(Map.of("userId", user, "bytes", 1, "id", "not-a-uuid")).post("/internal/storage/reservations")
                .then().statusCode(400).body("errors.field", hasItems("id"));
        given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON).body(Map.of("userId", user, "bytes", 1))
                .post("/internal/storage/reservations").then().statusCode(403);
        assertThat(admission(user).getLong("reservedBytes")).isZero();
    }

    @Test
    void anAbandonedReservationExpiresStopsCountingAndIsPurged() throws Exception {
        String user = newUser();
        setQuota(user, 1000);
        String id = reserve(user, 1000);
        given().auth().oauth2(service()).contentType(ContentType.JSON).body(Map.of("userId", user, "bytes", 1))
                .post("/internal/storage/reservations").then().statusCode(409);
        try (Connection db = SharedInfrastructure.postgres().connect("storage");
                PreparedStatement expire = db.prepareStatement(
                        "UPDATE storage_reservation SET expires_at = now() - interval '1 second' WHERE id = ?")) {
            expire.setObject(1, UUID.fromString(id));
            assertThat(expire.executeUpdate()).isEqualTo(1);
        }
        assertThat(admission(user).getLong("reservedBytes")).isZero();
        reserve(user, 1000);
        await().atMost(Duration.ofSeconds(30)).until(() -> !reservationExists(id));
    }

    @Test
    @RunOnVertxContext
    void purgingDeletesOnlyExpiredReservations(UniAsserter asserter) throws Exception {
        UUID expired = UUID.randomUUID();
        UUID live = UUID.randomUUID();
        try (Connection db = SharedInfrastructure.postgres().connect("storage");
                PreparedStatement insert = db.prepareStatement(
                        "INSERT INTO storage_reservation (id, user_id, bytes, expires_at) VALUES (?, 'purge-test', 5, now() + ?::interval)")) {
            insert.setObject(1, expired);
            insert.setString(2, "-1 minute");
            insert.executeUpdate();
            insert.setObject(1, live);
            insert.setString(2, "1 hour");
            insert.executeUpdate();
        }
        asserter.assertThat(() -> reservations.purgeExpired(), n -> assertThat(n).isGreaterThanOrEqualTo(0));
        asserter.execute(() -> {
            assertThat(reservationExists(expired.toString())).isFalse();
            assertThat(reservationExists(live.toString())).isTrue();
        });
    }

    static boolean reservationExists(String id) {
        try (Connection db = SharedInfrastructure.postgres().connect("storage");
                PreparedStatement find = db.prepareStatement("SELECT 1 FROM storage_reservation WHERE id = ?")) {
            find.setObject(1, UUID.fromString(id));
            try (ResultSet rs = find.executeQuery()) {
                return rs.next();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
