package io.hyperai.gear;

import static io.hyperai.gear.support.GearApi.binding;
import static io.hyperai.gear.support.GearApi.create;
import static io.hyperai.gear.support.GearApi.dataset;
import static io.hyperai.gear.support.GearApi.gear;
import static io.hyperai.gear.support.GearApi.list;
import static io.hyperai.gear.support.GearApi.output;
import static io.hyperai.gear.support.GearApi.traces;
import static io.hyperai.gear.support.GearApi.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.hyperai.gear.support.DependencyStubs;
import io.hyperai.test.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** Every binding rule and every kind of bad input: a 400 problem naming the field, and nothing created. */
@QuarkusTest
class GearInputTest {

    @BeforeEach
    void dependenciesUp() {
        DependencyStubs.reset();
        DependencyStubs.resetCircuits();
        for (int i = 0; i < 7; i++) {
            DependencyStubs.version("dataset", "ds" + i, 1, "alice", 10);
        }
    }

    static Stream<Arguments> badGears() {
        return Stream.of(
                bad("an unknown spec", "computeSpecId", n -> gear(n, "cpu-999c", "pytorch-2.4-cpu", List.of())),
                bad("an unknown image", "imageId", n -> gear(n, "cpu-2c4g", "caffe-1.0-cpu", List.of())),
                bad("a GPU image on a CPU spec", "imageId", n -> gear(n, "cpu-16c64g", "pytorch-2.4-gpu", List.of())),
                bad("an empty name", "name", n -> gear("", "cpu-2c4g", "pytorch-2.4-cpu", List.of())),
                bad("a blank name", "name", n -> gear("   ", "cpu-2c4g", "pytorch-2.4-cpu", List.of())),
                bad("a 300-character name", "name", n -> gear(n + "x".repeat(300), "cpu-2c4g", "pytorch-2.4-cpu", List.of())),
                bad("no spec", "computeSpecId", n -> gear(n, null, "pytorch-2.4-cpu", List.of())),
                bad("six inputs", "bindings", n -> gear(n, "cpu-2c4g", "pytorch-2.4-cpu", list(
                        dataset("/hyperai/input/input0", "ds0", 1), dataset("/hyperai/input/input1", "ds1", 1),
                        dataset("/hyperai/input/input2", "ds2", 1), dataset("/hyperai/input/input3", "ds3", 1),
                        dataset("/hyperai/input/input4", "ds4", 1), dataset("/hyperai/input/input5", "ds5", 1)))),
                bad("seven bindings", "bindings", n -> gear(n, "cpu-2c4g", "pytorch-2.4-cpu", list(
                        dataset("/hyperai/input/input0", "ds0", 1), dataset("/hyperai/input/input1", "ds1", 1),
                        dataset("/hyperai/input/input2", "ds2", 1), dataset("/hyperai/input/input3", "ds3", 1),
                        dataset("/hyperai/input/input4", "ds4", 1), dataset("/hyperai/home", "ds5", 1),
                        dataset("/hyperai/input/input0", "ds6", 1)))),
                bad("the same mount path twice", "bindings[1].mountPath", n -> gear(n, "cpu-2c4g", "pytorch-2.4-cpu",
                        list(dataset("/hyperai/input/input3", "ds0", 1), dataset("/hyperai/input/input3", "ds1", 1)))),
                bad("two bindings at home", "bindings[1].mountPath", n -> gear(n, "cpu-2c4g", "pytorch-2.4-cpu",
                        list(dataset("/hyperai/home", "ds0", 1), dataset("/hyperai/home", "ds1", 1)))),
                bad("a path outside the allowed ones", "bindings[0].mountPath", n -> gear(n, "cpu-2c4g",
                        "pytorch-2.4-cpu", list(dataset("/data", "ds0", 1)))),
                bad("input5", "bindings[0].mountPath", n -> gear(n, "cpu-2c4g", "pytorch-2.4-cpu",
                        list(dataset("/hyperai/input/input5", "ds0", 1)))),
                bad("a path below home", "bindings[0].mountPath", n -> gear(n, "cpu-2c4g", "pytorch-2.4-cpu",
                        list(dataset("/hyperai/home/sub", "ds0", 1)))),
                bad("a path that climbs out", "bindings[0].mountPath", n -> gear(n, "cpu-2c4g", "pytorch-2.4-cpu",
                        list(dataset("/hyperai/input/../input0", "ds0", 1)))),
                bad("an unknown source kind", "bindings[0].source.kind", n -> gear(n, "cpu-2c4g", "pytorch-2.4-cpu",
                        list(binding("/hyperai/input/input0", "bucket", "ds0", 1, null)))),
                bad("a dataset without a version", "bindings[0].source.version", n -> gear(n, "cpu-2c4g",
                        "pytorch-2.4-cpu", list(binding("/hyperai/input/input0", "dataset", "ds0", null, null)))),
                bad("version zero", "bindings[0].source.version", n -> gear(n, "cpu-2c4g", "pytorch-2.4-cpu",
                        list(dataset("/hyperai/input/input0", "ds0", 0)))),
                bad("an output with a dataset id", "bindings[0].source.id", n -> gear(n, "cpu-2c4g", "pytorch-2.4-cpu",
                        list(binding("/hyperai/home", "output", "ds0", null, "exec-1")))),
                bad("an output without an execution", "bindings[0].source.executionId", n -> gear(n, "cpu-2c4g",
                        "pytorch-2.4-cpu", list(binding("/hyperai/home", "output", null, null, null)))),
                bad("a source id with a slash", "bindings[0].source.id", n -> gear(n, "cpu-2c4g", "pytorch-2.4-cpu",
                        list(dataset("/hyperai/input/input0", "../ds0", 1)))),
                bad("a dataset that does not exist", "bindings[0].source.id", n -> gear(n, "cpu-2c4g",
                        "pytorch-2.4-cpu", list(dataset("/hyperai/input/input0", "ds0", 9)))),
                bad("a binding without a source", "bindings[0].source", n -> gear(n, "cpu-2c4g", "pytorch-2.4-cpu",
                        list(new HashMap<>(Map.of("mountPath", "/hyperai/input/input0"))))));
    }

    private static Arguments bad(String what, String field, Function<String, Map<String, Object>> body) {
        return Arguments.of(what, field, body);
    }

    @ParameterizedTest(name = "{0} is refused naming {1}")
    @MethodSource("badGears")
    void badInputIsRefusedNamingTheFieldAndCreatesNothing(String what, String field,
            Function<String, Map<String, Object>> body) {
        String name = unique("bad");
        create(Tokens.alice(), body.apply(name)).then().statusCode(400)
                .contentType(startsWith("application/problem+json"))
                .body("status", equalTo(400))
                .body("errors.field", hasItem(field));
        assertThat(traces(name)).as(what).isZero();
    }

    @Test
    void fiveInputsAndAHomeAreFine() {
        DependencyStubs.output("exec-5", "alice", "g", 1);
        create(Tokens.alice(), gear(unique("full"), "cpu-2c4g", "pytorch-2.4-cpu", list(
                dataset("/hyperai/input/input0", "ds0", 1), dataset("/hyperai/input/input1", "ds1", 1),
                dataset("/hyperai/input/input2", "ds2", 1), dataset("/hyperai/input/input3", "ds3", 1),
                dataset("/hyperai/input/input4", "ds4", 1), output("/hyperai/home", "exec-5"))))
                .then().statusCode(201);
    }

    @Test
    void aCpuImageMayRunOnAGpuSpec() {
        create(Tokens.alice(), gear(unique("cpu-on-gpu"), "gpu-rtx4090-1", "pytorch-2.4-cpu", List.of()))
                .then().statusCode(201);
    }

    @Test
    void unreadableBodiesAreProblemsNotErrors() {
        given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON).body("{\"name\": ")
                .post("/api/v1/gears").then().statusCode(400).contentType(startsWith("application/problem+json"));
        given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON)
                .body("{\"name\":\"x\",\"computeSpecId\":\"cpu-2c4g\",\"imageId\":\"pytorch-2.4-cpu\","
                        + "\"bindings\":[{\"mountPath\":\"/hyperai/home\",\"source\":{\"kind\":\"dataset\",\"id\":\"ds0\","
                        + "\"version\":\"three\"}}]}")
                .post("/api/v1/gears").then().statusCode(400)
                .body("errors.field", hasItem("bindings[0].source.version"));
        given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON).body("[]")
                .post("/api/v1/gears").then().statusCode(400).contentType(startsWith("application/problem+json"));
        given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON).body("")
                .post("/api/v1/gears").then().statusCode(400).contentType(startsWith("application/problem+json"));
    }
}
