package io.hyperai.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProblemsTest {

    @Test
    void titleDetailAndFields() throws Exception {
        String body = """
                {"type":"urn:hyperai:problem:validation","title":"Invalid request","status":400,
                 "detail":"name: must not be blank","errors":[{"field":"name","message":"must not be blank"}]}""";
        assertThat(Api.failure(400, body).getMessage())
                .isEqualTo("Invalid request: name: must not be blank (field: name)");
    }

    @Test
    void severalFieldsAreListedOnce() {
        String body = """
                {"title":"Invalid request","detail":"two things","errors":[{"field":"a"},{"field":"b"},{"field":"a"}]}""";
        assertThat(Api.failure(400, body).getMessage()).isEqualTo("Invalid request: two things (fields: a, b)");
    }

    @Test
    void notFound() {
        String body = "{\"title\":\"Not found\",\"status\":404,\"detail\":\"no gear g-1\"}";
        assertThat(Api.failure(404, body).getMessage()).isEqualTo("Not found: no gear g-1");
        assertThat(Api.failure(404, body).exitCode()).isEqualTo(1);
    }

    @Test
    void aBodyThatIsNotAProblemGivesTheStatus() {
        assertThat(Api.failure(502, "<html>bad gateway</html>").getMessage()).isEqualTo("HTTP 502 Bad Gateway");
        assertThat(Api.failure(500, "").getMessage()).isEqualTo("HTTP 500 Internal Server Error");
    }

    @Test
    void unauthorizedSaysToLogIn() {
        assertThat(Api.failure(401, "").getMessage()).contains("run `hyperai login`");
        assertThat(Api.failure(401, "{\"title\":\"Unauthorized\",\"detail\":\"a valid bearer token is required\"}")
                .getMessage()).isEqualTo("Unauthorized: a valid bearer token is required; run `hyperai login`");
    }

    @Test
    void newlinesDoNotBreakTheOneLine() {
        assertThat(Api.failure(409, "{\"title\":\"Conflict\",\"detail\":\"a\\nb\"}").getMessage())
                .isEqualTo("Conflict: a b");
    }
}
