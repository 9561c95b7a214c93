package io.hyperai.test;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.hyperai.test.OpenApiOperations.Operation;
import io.restassured.response.Response;

/**
 * What every service must do, checked the same way in each: a subclass in the service's tests
 * (annotated {@code @QuarkusTest}) runs it against that service on real infrastructure.
 */
public abstract class ServiceBaselineTest {

    @Test
    void isLiveAndReadyWithDatabaseAndKafkaChecks() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItem(containsString("PostgreSQL")))
                .body("checks.name", hasItem(containsString("Kafka")));
    }

    @Test
    void exportsPrometheusMetrics() {
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("hyperai_outbox_backlog"))
                .body(containsString("http_server_requests_seconds"));
    }

    @Test
    void describesItsApi() {
        assertThat(OpenApiOperations.read()).as("operations under /api or /internal").isNotEmpty();
    }

    @Test
    void documentsEveryOperation() {
        assertThat(ApiDocumentLint.findings(OpenApiOperations.document()))
                .as("what /q/openapi leaves undocumented (see ApiDocumentLint)").isEmpty();
    }

    @Test
    void committedApiReferenceIsCurrent() {
        String service = ConfigProvider.getConfig().getValue("quarkus.application.name", String.class);
        assertThat(ApiReference.staleness(service, Path.of(""), Boolean.getBoolean(ApiReference.UPDATE_PROPERTY)))
                .as("docs/api/" + service + ".yaml").isEmpty();
    }

    @Test
    void everyOperationRefusesAMissingTokenWithAProblem() {
        List<String> wrong = new ArrayList<>();
        for (Operation operation : OpenApiOperations.read()) {
            Response response = operation.request(given()).request(operation.method(), operation.concretePath());
            if (response.statusCode() != 401 || !response.contentType().startsWith("application/problem+json")) {
                wrong.add(operation + " -> " + response.statusCode() + " " + response.contentType());
            }
        }
        assertThat(wrong).as("operations that did not answer 401 problem+json without a token").isEmpty();
    }

    @Test
    void everyInternalOperationRefusesAUserToken() {
        List<String> wrong = new ArrayList<>();
        for (Operation operation : OpenApiOperations.read()) {
            if (!operation.isInternal()) {
                continue;
            }
            Response response = operation.request(given().auth().oauth2(Tokens.admin()))
                    .request(operation.method(), operation.concretePath());
            if (response.statusCode() != 403) {
                wrong.add(operation + " -> " + response.statusCode());
            }
        }
        assertThat(wrong).as("internal operations that a user token could reach").isEmpty();
    }
}
