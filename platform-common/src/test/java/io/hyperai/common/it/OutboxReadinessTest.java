package io.hyperai.common.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.hyperai.common.outbox.OutboxRelay;
import io.hyperai.test.SharedInfrastructure;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Readiness reports the outbox backlog and goes DOWN only past the limit (100000 by default), counting no further
 * than one past it however many rows wait; liveness does not care.
 */
@QuarkusTest
class OutboxReadinessTest {

    private static final String BACKLOG = "checks.find { it.name == 'outbox backlog' }";
    private static final String TOPIC = "readiness-test";

    @Inject
    OutboxRelay relay;

    @Test
    void aBacklogPastTheLimitMakesTheServiceUnreadyButNotDead() throws Exception {
        given().get("/q/health/ready").then().statusCode(200)
                .body(BACKLOG + ".status", equalTo("UP"))
                .body(BACKLOG + ".data.limit", equalTo(100000));

        relay.pause(); // the rows below are for counting, not for Kafka
        try {
            sql("INSERT INTO outbox_event (id, topic, aggregate_id, type, payload) SELECT gen_random_uuid(), '" + TOPIC
                    + "', 'readiness-' || n, 'gear.created', '{}' FROM generate_series(1, 100050) AS n");
            given().get("/q/health/ready").then().statusCode(503)
                    .body(BACKLOG + ".status", equalTo("DOWN"))
                    .body(BACKLOG + ".data.unsent", equalTo(100001));
            given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        } finally {
            sql("DELETE FROM outbox_event WHERE topic = '" + TOPIC + "'");
            relay.resume();
        }
        given().get("/q/health/ready").then().statusCode(200).body(BACKLOG + ".status", equalTo("UP"));
    }

    private static void sql(String statement) throws SQLException {
        try (Connection c = SharedInfrastructure.postgres().connect("outbox_test"); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }
}
