package io.hyperai.common.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.hyperai.common.problem.ProblemMapper;
import io.hyperai.test.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * A problem's {@code traceId} is the W3C trace id of the request (sent here in a {@code traceparent} header), so a
 * user quoting it leads to the request's spans; the log line of a 500 carries the same id in its MDC, where the JSON
 * logs print it.
 */
@QuarkusTest
class ProblemTraceIdTest {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String TRACEPARENT = "00-" + TRACE + "-00f067aa0ba902b7-01";

    private final List<String> loggedTraceIds = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record instanceof ExtLogRecord ext) {
                loggedTraceIds.add(String.valueOf(ext.getMdc("traceId")));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        Logger.getLogger(ProblemMapper.class.getName()).addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        Logger.getLogger(ProblemMapper.class.getName()).removeHandler(capture);
    }

    @Test
    void aServerFailureCarriesTheRequestsTraceIdInBodyAndLog() {
        String traceId = given().auth().oauth2(Tokens.alice()).header("traceparent", TRACEPARENT)
                .contentType(ContentType.JSON).body("{\"name\":\"traced\"}")
                .post("/api/v1/widgets/failing").then().statusCode(500).extract().path("traceId");
        assertThat(traceId).isEqualTo(TRACE);
        assertThat(loggedTraceIds).containsExactly(TRACE);
    }

    @Test
    void aRefusalCarriesIt() {
        String traceId = given().auth().oauth2(Tokens.alice()).header("traceparent", TRACEPARENT)
                .contentType(ContentType.JSON).body("{\"name\":\"ok\",\"nmae\":\"x\"}")
                .post("/api/v1/widgets").then().statusCode(400).extract().path("traceId");
        assertThat(traceId).isEqualTo(TRACE);
    }

    @Test
    void aRequestWithoutATraceStartsOneThatBodyAndLogShare() {
        String traceId = given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON)
                .body("{\"name\":\"untraced\"}")
                .post("/api/v1/widgets/failing").then().statusCode(500).extract().path("traceId");
        assertThat(traceId).matches("[0-9a-f]{32}").isNotEqualTo("0".repeat(32)).isNotEqualTo(TRACE);
        assertThat(loggedTraceIds).containsExactly(traceId);
    }
}
