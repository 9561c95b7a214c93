package io.hyperai.common.problem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.fail;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import io.hyperai.common.rest.StrictJson;

/**
 * What the services' strict request reading ({@link StrictJson}) refuses, and how {@link JsonFailures} names it for
 * the problem body: the field path and a message of ours. Read with a mapper configured the way Quarkus' is.
 */
class JsonFailuresTest {

    enum Kind { CPU, GPU }

    record Source(String kind, Integer version) {
    }

    record Binding(String mountPath, Source source) {
    }

    record Request(String name, long quotaBytes, int count, boolean on, Boolean flag, Kind kind, Double share,
            Instant at, List<Binding> bindings, Map<String, String> labels) {
    }

    /** What a REST client reads from another service, which may have more fields than we know. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Answer(String userId, long quotaBytes) {
    }

    private static final ObjectMapper MAPPER = StrictJson.configure(JsonMapper.builder().findAndAddModules().build());

    @Test
    void anUnknownFieldIsNamedWhereverItIs() {
        assertRefused("{\"nmae\":\"x\"}", "nmae", "is not a known field");
        assertRefused("{\"bindings\":[{\"mountPath\":\"/a\"},{\"mountPth\":\"/b\"}]}", "bindings[1].mountPth",
                "is not a known field");
    }

    @Test
    void aFractionIsNoInteger() {
        assertRefused("{\"quotaBytes\":1.9}", "quotaBytes", "must be a whole number");
        assertRefused("{\"quotaBytes\":1.0}", "quotaBytes", "must be a whole number");
        assertRefused("{\"bindings\":[{\"source\":{\"version\":1.5}}]}", "bindings[0].source.version",
                "must be a whole number");
    }

    @Test
    void aScalarIsReadOnlyFromItsOwnJsonType() {
        assertRefused("{\"quotaBytes\":\"12\"}", "quotaBytes", "must be a whole number");
        assertRefused("{\"name\":5}", "name", "must be a string");
        assertRefused("{\"name\":true}", "name", "must be a string");
        assertRefused("{\"name\":{\"a\":1}}", "name", "must be a string");
        assertRefused("{\"flag\":1}", "flag", "must be true or false");
        assertRefused("{\"on\":\"true\"}", "on", "must be true or false");
        assertRefused("{\"share\":\"0.5\"}", "share", "must be a number");
        assertRefused("{\"kind\":0}", "kind", "is not one of the accepted values");
        assertRefused("{\"kind\":\"cpu\"}", "kind", "is not one of the accepted values");
        assertRefused("{\"bindings\":{\"mountPath\":\"/a\"}}", "bindings", "must be an array");
        assertRefused("{\"bindings\":[\"/a\"]}", "bindings[0]", "must be an object");
        assertRefused("{\"labels\":{\"zone\":1}}", "labels.zone", "must be a string");
        assertRefused("{\"at\":\"yesterday\"}", "at", "has the wrong format");
    }

    @Test
    void nullIsNoPrimitiveButAnAbsentPrimitiveIsItsDefault() throws Exception {
        assertRefused("{\"count\":null}", "count", "must not be null");
        assertRefused("{\"on\":null}", "on", "must not be null");
        Request empty = MAPPER.readValue("{}", Request.class);
        assertThat(empty.count()).isZero();
        assertThat(empty.on()).isFalse();
        assertThat(MAPPER.readValue("{\"flag\":null}", Request.class).flag()).isNull();
    }

    @Test
    void aNumberTooBigForItsTypeIsOutOfRange() {
        assertRefused("{\"count\":99999999999}", "count", "is out of range");
        assertRefused("{\"quotaBytes\":1000000000000000000000000000000}", "quotaBytes", "is out of range");
    }

    @Test
    void aKeyGivenTwiceIsNamed() {
        assertRefused("{\"name\":\"a\",\"name\":\"b\"}", "name", "appears more than once");
        assertRefused("{\"bindings\":[{\"source\":{\"kind\":\"a\",\"kind\":\"b\"}}]}", "bindings[0].source.kind",
                "appears more than once");
    }

    @Test
    void aBodyThatIsWrongAsAWholeNamesNoField() {
        for (String body : new String[] { "{\"name\":\"a\"} {\"name\":\"b\"}", "{\"name\":\"a\"} x", "{\"name\": ",
                "[]", "42", "\"text\"" }) {
            assertThat(failure(body, Request.class)).as(body).isEmpty();
        }
    }

    @Test
    void whatIsWrittenAsItsTypeIsRead() throws Exception {
        Request r = MAPPER.readValue("{\"name\":\"\",\"quotaBytes\":5,\"count\":-1,\"on\":true,\"flag\":false,"
                + "\"kind\":\"GPU\",\"share\":5,\"at\":\"2025-01-01T00:00:00Z\",\"bindings\":[{\"mountPath\":\"/a\","
                + "\"source\":{\"kind\":\"dataset\",\"version\":2}}],\"labels\":{\"zone\":\"a\"}}", Request.class);
        assertThat(r.share()).isEqualTo(5.0);
        assertThat(r.kind()).isEqualTo(Kind.GPU);
        assertThat(r.bindings().get(0).source().version()).isEqualTo(2);
    }

    @Test
    void aClientsAnswerMayCarryFieldsItDoesNotKnow() {
        assertThatCode(() -> MAPPER.readValue("{\"userId\":\"u\",\"quotaBytes\":1,\"addedLater\":{\"x\":1}}",
                Answer.class)).doesNotThrowAnyException();
    }

    private static void assertRefused(String body, String field, String message) {
        assertThat(failure(body, Request.class)).as(body).contains(new Problem.FieldError(field, message));
    }

    private static Optional<Problem.FieldError> failure(String body, Class<?> type) {
        try {
            MAPPER.readValue(body, type);
        } catch (JsonProcessingException e) {
            return JsonFailures.fieldError(e);
        }
        return fail("read without complaint: " + body);
    }
}
