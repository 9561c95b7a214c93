package io.hyperai.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * The platform document's own example and its rule of a brand-new environment, as bob on {@code ./platform up}'s
 * local runtime: the seeded public dataset {@code hyperai/cifar-100} version 2 is bound at
 * {@code /hyperai/input/input0} and read; what an install put outside {@code /hyperai/home} does not come back on
 * "continue", while the working directory does. A dataset its publisher makes private while bob's execution reads it
 * breaks his gear for new starts only: the running execution keeps its mount to the end.
 */
@ExtendWith(E2e.class)
class DocumentExampleIT {

    private static final String BOB = "bob";
    /** The realm's account that publishes the platform's public datasets (hyperai/cifar-100). */
    private static final String PUBLISHER = "hyperai";
    private static final String CHEAP = "cpu-1c2g";
    private static Api api;

    @BeforeAll
    static void setUp() {
        E2e.assumeLocalRuntime();
        api = Api.get();
        api.topUp(E2e.credentials().id(BOB), 500, "e2e-document-example");
    }

    @Test
    void thePublicCifar100Version2IsBoundAtInput0AndRead() {
        JsonPath listed = api.as(BOB, "warehouse").queryParam("q", "cifar").get("/api/v1/public/datasets").then()
                .statusCode(200).extract().jsonPath();
        assertThat(listed.getList("items.handle")).contains("hyperai/cifar-100");

        Map<String, Object> cifar = Map.of("mountPath", "/hyperai/input/input0",
                "source", Map.of("kind", "dataset", "handle", "hyperai/cifar-100", "version", 2));
        String gear = api.gear(BOB, "cifar example", CHEAP, List.of(cifar));
        String run = api.script(BOB, gear, "ls /hyperai/input/input0; wc -l < /hyperai/input/input0/coarse_label_names.txt;"
                + " head -1 /hyperai/input/input0/fine_label_names.txt");
        JsonPath ended = api.awaitState(BOB, run, "SUCCEEDED", "FAILED");
        String logs = api.logs(BOB, run);
        System.out.printf("document example: %s bound hyperai/cifar-100 v2: %s%n", ended.getString("state"), logs);
        assertThat(ended.getString("state")).as("logs: %s", logs).isEqualTo("SUCCEEDED");
        assertThat(logs).contains("coarse_label_names.txt").contains("20").contains("apple");
    }

    @Test
    void aDatasetMadePrivateWhileBobReadsItBreaksHisGearButNotHisRunningExecution() {
        String name = "e2e-shared-" + UUID.randomUUID().toString().substring(0, 8);
        String dataset = api.item(PUBLISHER, "datasets", name);
        api.upload(PUBLISHER, "datasets", dataset, "shared.txt", "shared-line-42\n".getBytes(StandardCharsets.UTF_8))
                .then().statusCode(201);
        assertThat(api.visibility(PUBLISHER, "datasets", dataset, "public").getString("visibility")).isEqualTo("public");
        Map<String, Object> byHandle = Map.of("mountPath", "/hyperai/input/input0",
                "source", Map.of("kind", "dataset", "handle", PUBLISHER + "/" + name, "version", 1));
        String gear = api.gear(BOB, "public then private", CHEAP, List.of(byHandle));
        // reads the file, then again well after the test has made the dataset private
        String run = api.script(BOB, gear, "cat /hyperai/input/input0/shared.txt; sleep 15;"
                + " cat /hyperai/input/input0/shared.txt");
        await().atMost(Api.WAIT).pollInterval(Duration.ofMillis(500)).until(() -> api.logs(BOB, run)
                .contains("shared-line-42"));

        assertThat(api.visibility(PUBLISHER, "datasets", dataset, "private").getString("visibility"))
                .isEqualTo("private");
        JsonPath broken = api.as(BOB, "gear").get("/api/v1/gears/" + gear).then().statusCode(200).extract().jsonPath();
        assertThat(broken.getBoolean("bindings[0].broken")).isTrue();
        assertThat(broken.getString("bindings[0].brokenReason")).isEqualTo("the dataset is no longer public");
        Response refused = api.start(BOB, gear, "script", "cat /hyperai/input/input0/shared.txt");
        JourneyIT.assertProblem(refused, 409, "binding-broken");
        assertThat(refused.jsonPath().getString("errors[0].field")).isEqualTo("bindings[0]");
        // so its second read comes after the change
        assertThat(api.state(BOB, run)).isEqualTo("RUNNING");

        JsonPath ended = api.awaitState(BOB, run, "SUCCEEDED", "FAILED");
        String logs = api.logs(BOB, run);
        System.out.printf("public then private: %s %s while %s/%s went private; its output: %s%n", run,
                ended.getString("state"), PUBLISHER, name, logs.replace('\n', ' '));
        assertThat(ended.getString("state")).as("logs: %s", logs).isEqualTo("SUCCEEDED");
        assertThat(logs).isEqualTo("shared-line-42\nshared-line-42\n");
    }

    @Test
    void onlyTheWorkingDirectoryComesBackOnContinue() {
        String gear = api.gear(BOB, "fresh environment", CHEAP, List.of());
        String first = api.script(BOB, gear, "python3 -c \"import os, site; p = site.getusersitepackages();"
                + " os.makedirs(p); open(os.path.join(p, 'leftover.py'), 'w').write('X = 1')\""
                + " && python3 -c 'import leftover' && echo kept > /hyperai/home/kept.txt");
        assertThat(api.awaitState(BOB, first, "SUCCEEDED", "FAILED").getString("state"))
                .as("logs: %s", api.logs(BOB, first)).isEqualTo("SUCCEEDED");
        String next = api.continueFrom(BOB, first,
                "cat kept.txt; python3 -c 'import leftover' 2>/dev/null && echo leftover-found || echo leftover-gone");
        assertThat(api.awaitState(BOB, next, "SUCCEEDED", "FAILED").getString("state")).isEqualTo("SUCCEEDED");
        String logs = api.logs(BOB, next);
        System.out.printf("fresh environment: the continuation printed %s%n", logs.replace('\n', ' '));
        assertThat(logs).contains("kept").contains("leftover-gone").doesNotContain("leftover-found");
    }
}
