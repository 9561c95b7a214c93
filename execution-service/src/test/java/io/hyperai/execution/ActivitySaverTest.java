package io.hyperai.execution;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.hyperai.execution.proxy.WorkspaceActivity;
import io.hyperai.execution.service.ActivitySaver;
import io.hyperai.test.SharedInfrastructure;
import io.hyperai.test.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Use of a workspace through any instance's proxy reaches the database, where the idle policy (run by the leading
 * instance only) reads it; a save from an instance that saw older use never moves it back.
 */
@QuarkusTest
class ActivitySaverTest {

    @Inject
    WorkspaceActivity activity;
    @Inject
    ActivitySaver saver;
    @Inject
    Pool pool;

    @Test
    void useThroughEitherInstanceIsSavedAndNeverMovedBack() throws Exception {
        ExecutionTestResource.admitEverything();
        String gear = ExecutionTestResource.cpuGear("alice");
        String id = given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON)
                .body("{\"mode\":\"jupyter\"}").post("/api/v1/gears/" + gear + "/executions").then().statusCode(201)
                .extract().path("id");
        assertThat(proxiedAt(id)).isNull();

        activity.touch(id); // a request through this instance's proxy
        Instant used = activity.last(id).orElseThrow();
        saver.save().await().atMost(Duration.ofSeconds(10));
        assertThat(proxiedAt(id)).isEqualTo(used.truncatedTo(ChronoUnit.MICROS));

        // another instance, whose proxy served the workspace earlier, saves after this one
        WorkspaceActivity other = new WorkspaceActivity();
        other.unsaved(Map.of(id, used.minusSeconds(30)));
        new ActivitySaver(other, pool).save().await().atMost(Duration.ofSeconds(10));
        assertThat(proxiedAt(id)).as("not moved back").isEqualTo(used.truncatedTo(ChronoUnit.MICROS));

        Instant later = used.plusSeconds(5);
        other.unsaved(Map.of(id, later));
        new ActivitySaver(other, pool).save().await().atMost(Duration.ofSeconds(10));
        assertThat(proxiedAt(id)).isEqualTo(later.truncatedTo(ChronoUnit.MICROS));

        given().auth().oauth2(Tokens.alice()).post("/api/v1/executions/" + id + "/stop").then().statusCode(200);
    }

    private static Instant proxiedAt(String id) throws SQLException {
        try (Connection c = SharedInfrastructure.postgres().connect("execution");
                PreparedStatement s = c.prepareStatement("SELECT proxied_at FROM execution WHERE id = ?")) {
            s.setObject(1, UUID.fromString(id));
            try (ResultSet r = s.executeQuery()) {
                r.next();
                java.sql.Timestamp t = r.getTimestamp(1);
                return t == null ? null : t.toInstant();
            }
        }
    }
}
