package io.hyperai.it;

import io.hyperai.test.PackagedServices;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.hyperai.test.KafkaProbe;
import io.hyperai.test.SharedInfrastructure;
import io.hyperai.test.Tokens;
import io.restassured.http.ContentType;

/**
 * The foundation's proof across process boundaries: warehouse-service commits a new version and
 * its event through its outbox, the event crosses the real broker, and storage-service's idempotent
 * consumer counts the bytes exactly once although the event is delivered three times; an event
 * committed while the broker is down arrives after it returns. Both services run as their packaged
 * jars, each in its own JVM, with real client-credentials tokens between them (started once for the
 * module by {@link SharedServices}).
 */
@ExtendWith(SharedServices.class)
class EventsAcrossServicesIT {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static PackagedServices services;

    @BeforeAll
    static void start() {
        services = SharedServices.get();
    }

    private static String dataset(String token) {
        return given().baseUri(services.url("warehouse")).auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("name", "imagenet-mini", "description", "cross-service test"))
                .post("/api/v1/datasets").then().statusCode(201).extract().path("id");
    }

    private static void upload(String token, String dataset, int bytes) {
        given().baseUri(services.url("warehouse")).auth().oauth2(token).contentType("multipart/form-data")
                .multiPart("files", "part-" + bytes + ".bin", new byte[bytes], "application/octet-stream")
                .post("/api/v1/datasets/" + dataset + "/versions").then().statusCode(201);
    }

    private static long datasetBytes(String token) {
        Number used = given().baseUri(services.url("storage")).auth().oauth2(token).get("/api/v1/storage/me")
                .then().statusCode(200).extract().path("usedByKind.DATASET");
        return used.longValue();
    }

    @Test
    void aVersionIsCountedOnceAlthoughItsEventArrivesThreeTimes() {
        String alice = Tokens.alice();
        long before = datasetBytes(alice);
        String dataset = dataset(alice);
        upload(alice, dataset, 1000);
        await().atMost(WAIT).until(() -> datasetBytes(alice) == before + 1000);

        List<ConsumerRecord<String, String>> records = KafkaProbe.shared().readUntil("warehouse-events", WAIT,
                rs -> rs.stream().anyMatch(r -> r.value().contains("warehouse.version.created")
                        && r.value().contains(dataset)));
        ConsumerRecord<String, String> created = records.stream()
                .filter(r -> r.value().contains("warehouse.version.created") && r.value().contains(dataset))
                .findFirst().orElseThrow();
        KafkaProbe.shared().send("warehouse-events", created.key(), created.value(), Map.of());
        KafkaProbe.shared().send("warehouse-events", created.key(), created.value(), Map.of());
        upload(alice, dataset, 500); // a marker behind the duplicates on the same key
        await().atMost(WAIT).until(() -> datasetBytes(alice) == before + 1500);
        System.out.printf("cross-service: 2 versions, 2 redeliveries, usage %d bytes (expected %d)%n",
                datasetBytes(alice), before + 1500);
        assertThat(datasetBytes(alice)).isEqualTo(before + 1500);
    }

    @Test
    void aVersionCommittedWhileTheBrokerIsDownIsCountedAfterItReturns() throws Exception {
        String bob = Tokens.bob();
        long before = datasetBytes(bob);
        String dataset = dataset(bob);
        SharedInfrastructure.kafka().kill();
        long down = System.nanoTime();
        try {
            upload(bob, dataset, 700); // warehouse and storage talk over HTTP; the event waits in the outbox
            Thread.sleep(3000);
            assertThat(datasetBytes(bob)).isEqualTo(before);
        } finally {
            SharedInfrastructure.kafka().restart();
        }
        await().atMost(WAIT).until(() -> datasetBytes(bob) == before + 700);
        System.out.printf("cross-service: event committed with the broker down arrived %d ms after the kill%n",
                (System.nanoTime() - down) / 1_000_000);
    }
}
