package io.hyperai.common.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import org.junit.jupiter.api.Test;

import io.hyperai.test.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/**
 * Every refusal is an RFC 9457 body that names what was wrong and nothing of the server's insides,
 * with tokens signed by a real provider and verified by the service.
 */
@QuarkusTest
class ProblemResponsesTest {

    private static ValidatableResponse isProblem(ValidatableResponse response, int status) {
        return response.statusCode(status)
                .contentType("application/problem+json")
                .body("status", equalTo(status))
                .body("type", startsWith("urn:hyperai:problem:"))
                .body(not(containsString("Exception")))
                .body(not(containsString("\tat ")));
    }

    @Test
    void aMissingFieldIsNamed() {
        isProblem(given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON).body("{}")
                .post("/api/v1/widgets").then(), 400)
                .body("errors.field", hasItem("name"));
    }

    @Test
    void aNestedInvalidElementIsNamedWithItsIndex() {
        isProblem(given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON)
                .body("{\"name\":\"ok\",\"tags\":[\"a\",\"\"]}")
                .post("/api/v1/widgets").then(), 400)
                .body("errors.field", hasItem("tags[1]"));
    }

    @Test
    void aFieldOfTheWrongTypeIsNamed() {
        isProblem(given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON)
                .body("{\"name\":{\"nested\":true}}")
                .post("/api/v1/widgets").then(), 400)
                .body("errors.field", hasItem("name"));
    }

    @Test
    void anUnknownFieldIsRefusedByNameAndChangesNothing() {
        String id = given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON).body("{\"name\":\"kept\"}")
                .post("/api/v1/widgets").then().statusCode(201).extract().path("id");
        isProblem(given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON)
                .body("{\"name\":\"renamed\",\"nmae\":\"x\"}").put("/api/v1/widgets/" + id).then(), 400)
                .body("errors.field", hasItem("nmae"))
                .body("errors.message", hasItem("is not a known field"));
        isProblem(given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON)
                .body("{\"name\":\"renamed\",\"tags\":[\"a\"],\"tags\":[\"b\"]}").put("/api/v1/widgets/" + id)
                .then(), 400)
                .body("errors.field", hasItem("tags"));
        given().auth().oauth2(Tokens.alice()).get("/api/v1/widgets/" + id).then().statusCode(200)
                .body("name", equalTo("kept"));
    }

    @Test
    void malformedJsonIs400() {
        isProblem(given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON).body("{\"name\": ")
                .post("/api/v1/widgets").then(), 400)
                .body("type", equalTo("urn:hyperai:problem:malformed-json"));
    }

    @Test
    void noTokenIs401WithAChallenge() {
        isProblem(given().contentType(ContentType.JSON).body("{\"name\":\"x\"}").post("/api/v1/widgets").then(), 401)
                .header("WWW-Authenticate", startsWith("Bearer"));
    }

    @Test
    void expiredForeignAndForgedTokensAre401() {
        for (String token : new String[] { Tokens.provider().expiredToken("alice", "user"),
                Tokens.provider().tokenFromOtherIssuer("alice", "user"),
                Tokens.provider().tokenForOtherAudience("alice", "user"),
                Tokens.provider().forgedToken("alice", "user"), "not-a-jwt" }) {
            isProblem(given().auth().oauth2(token).get("/api/v1/widgets/any").then(), 401);
        }
    }

    @Test
    void aUserOnAnAdminOperationIs403() {
        isProblem(given().auth().oauth2(Tokens.alice()).get("/api/v1/widgets/admin-only").then(), 403);
        given().auth().oauth2(Tokens.admin()).get("/api/v1/widgets/admin-only").then().statusCode(200);
    }

    @Test
    void internalPathsNeedTheServiceRole() {
        isProblem(given().auth().oauth2(Tokens.alice()).get("/internal/widgets").then(), 403);
        isProblem(given().auth().oauth2(Tokens.admin()).get("/internal/widgets").then(), 403);
        isProblem(given().get("/internal/widgets").then(), 401);
        given().auth().oauth2(Tokens.service("gear-service")).get("/internal/widgets").then().statusCode(200)
                .body(equalTo("internal"));
    }

    @Test
    void anUnknownIdIs404() {
        isProblem(given().auth().oauth2(Tokens.alice()).get("/api/v1/widgets/no-such-widget").then(), 404)
                .body("detail", containsString("no-such-widget"));
    }

    @Test
    void anUnknownPathIs404AndAWrongMethod405() {
        isProblem(given().auth().oauth2(Tokens.alice()).get("/api/v1/nothing-here").then(), 404);
        isProblem(given().auth().oauth2(Tokens.alice()).delete("/api/v1/widgets").then(), 405);
    }

    @Test
    void aBooleanParameterIsTrueOrFalseAndNothingElse() {
        given().auth().oauth2(Tokens.alice()).queryParam("on", "true").get("/api/v1/widgets/flag").then()
                .statusCode(200).body(equalTo("true"));
        given().auth().oauth2(Tokens.alice()).get("/api/v1/widgets/flag").then().statusCode(200)
                .body(equalTo("false"));
        isProblem(given().auth().oauth2(Tokens.alice()).queryParam("on", "yes").get("/api/v1/widgets/flag").then(),
                400).body("type", equalTo("urn:hyperai:problem:validation"));
    }

    @Test
    void anUnreadableMultipartBodyIs400() {
        given().auth().oauth2(Tokens.alice()).multiPart("files", "a.txt", "a".getBytes())
                .post("/api/v1/widgets/files").then().statusCode(200).body(equalTo("1"));
        isProblem(given().auth().oauth2(Tokens.alice()).contentType("multipart/form-data; boundary=matrix")
                .body("not multipart at all".getBytes()).post("/api/v1/widgets/files").then(), 400)
                .body("type", equalTo("urn:hyperai:problem:malformed-multipart"));
    }

    @Test
    void anUnsupportedContentTypeIs415() {
        isProblem(given().auth().oauth2(Tokens.alice()).contentType(ContentType.XML).body("<name/>")
                .post("/api/v1/widgets").then(), 415);
    }

    @Test
    void healthMetricsAndOpenApiAreServed() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItem(containsString("Reactive PostgreSQL")))
                .body("checks.name", hasItem(containsString("Kafka")));
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("hyperai_outbox_backlog"))
                .body(containsString("hyperai_outbox_published_total"));
        given().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths", hasKey("/api/v1/widgets"))
                .body("components.securitySchemes", hasKey("SecurityScheme"));
    }
}
