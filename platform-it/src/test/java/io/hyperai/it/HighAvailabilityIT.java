package io.hyperai.it;

import static io.hyperai.it.Api.newUser;
import static io.hyperai.it.Api.token;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.hyperai.common.events.EventCodec;
import io.hyperai.common.events.EventEnvelope;
import io.hyperai.common.events.Topics;
import io.hyperai.execution.runtime.PodFactory;
import io.hyperai.infra.ServiceProcess;
import io.hyperai.infra.k8s.FakeKubelet;
import io.hyperai.infra.k8s.FakeKubelet.Outcome;
import io.hyperai.infra.k8s.KubernetesApiServer;
import io.hyperai.test.KafkaProbe;
import io.hyperai.test.PackagedServices;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * Issue 22: two instances of every service, each pair behind a round-robin entry on the service's port (what a
 * Kubernetes Service is to them), on the real database, broker and OIDC provider, executions on the fake cluster.
 * First a rolling restart of every service (one instance at a time, SIGTERM and start again, the five services side
 * by side as a platform-wide update rolls them) under a steady load of starts, stops, uploads and reads: no request
 * fails. Then a stream of executions runs through both instances; mid-stream the instance of every service that
 * leads (holds its singleton work's lease) is killed with kill -9: every request succeeds (after one retry at most)
 * and each service has a new leader within its lease. In both, every execution reached the state its pod says, each
 * was charged exactly once for its running time, its lifecycle was published once, and storage counts exactly the
 * bytes uploaded. Runs in a JVM (and on infrastructure) of its own.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HighAvailabilityIT {

    private static final String NAMESPACE = SharedServices.EXECUTIONS_NAMESPACE;
    private static final Duration WAIT = Duration.ofSeconds(120);
    // the services' lease here (platform-test's configuration): 3 s, renewed every second
    private static final Duration NEW_LEADER_WITHIN = Duration.ofSeconds(3 + 1 + 4);

    private static KubernetesApiServer kubernetes;
    private static FakeKubelet kubelet;
    private static PackagedServices services;
    private static Api api;
    private static int retries;

    @BeforeAll
    static void start() {
        kubernetes = KubernetesApiServer.start(0);
        kubernetes.createNamespace(NAMESPACE);
        kubelet = new FakeKubelet(kubernetes.client(), NAMESPACE).start();
        kubelet.endHomeSaves();
        Map<String, Map<String, String>> overrides = SharedServices.overrides(Map.of(
                // a killed instance's partitions go to the survivor within seconds, not the default 45 s session
                "KAFKA_SESSION_TIMEOUT_MS", "6000", "KAFKA_HEARTBEAT_INTERVAL_MS", "1000",
                // a stopping instance says it is not ready and serves on for 2 s (what ./platform up gives them)
                "QUARKUS_SHUTDOWN_DELAY", "2s", "QUARKUS_SHUTDOWN_TIMEOUT", "10s"), kubernetes.url());
        long t0 = System.nanoTime();
        services = PackagedServices.replicated("platform-it", 2, overrides, SharedServices.NAMES);
        System.out.printf("high availability: two of %s started in %d ms%n", String.join(", ", SharedServices.NAMES),
                (System.nanoTime() - t0) / 1_000_000);
        api = new Api(services);
    }

    @AfterAll
    static void stop() {
        if (services != null) {
            services.close();
        }
        if (kubernetes != null) {
            kubelet.close();
            kubernetes.close();
        }
    }

    @Test
    @Order(1)
    void aRollingRestartOfEveryServiceUnderLoadFailsNoRequest() throws Exception {
        String owner = newUser("rolf");
        String token = token(owner);
        api.topUp(owner, 10_000_000);
        String gear = api.createGear(token, "rolling-" + System.nanoTime(), "cpu-16c64g", List.of()).then()
                .statusCode(201).extract().path("id");
        String dataset = api.dataset(token, "rolling-" + System.nanoTime());
        kubelet.plan(FakeKubelet.withLabel(PodFactory.LABEL_GEAR, gear), Outcome.SUCCEED, Duration.ofSeconds(15));

        SteadyLoad load = new SteadyLoad(token, gear, dataset);
        Thread loader = new Thread(load, "steady-load");
        loader.start();
        long t0 = System.nanoTime();
        for (int round = 0; round < 2; round++) {
            int instance = round;
            List<CompletableFuture<Void>> restarts = new ArrayList<>();
            for (String name : SharedServices.NAMES) {
                ServiceProcess p = services.instances(name).get(instance);
                restarts.add(CompletableFuture.runAsync(() -> p.restart(Duration.ofSeconds(180))));
            }
            restarts.forEach(CompletableFuture::join);
            System.out.printf("rolling restart: instance %d of every service restarted, %d ms in%n", instance + 1,
                    (System.nanoTime() - t0) / 1_000_000);
            Thread.sleep(1_000); // the round robins see it ready (they probe four times a second)
        }
        load.stop();
        loader.join(60_000);
        System.out.printf("rolling restart: %d requests under load (%d executions, %d stops, %d uploads); failed: %s%n",
                load.requests, load.started.size(), load.stopped.size(), load.uploaded, load.failures);
        assertThat(load.failures).as(() -> "requests that failed during the rolling restart; the services said: "
                + dependencyTrouble()).isEmpty();
        assertThat(load.started).as("executions started under load").hasSizeGreaterThan(5);

        assertEndedChargedAndPublishedOnce(token, load.started, load.stopped);
        // storage counts exactly what was uploaded, once each
        await().atMost(WAIT).untilAsserted(() -> assertThat(api.used(token)).isEqualTo(load.uploadedBytes));
        assertThat(api.versionBytes(token, dataset)).isEqualTo(load.uploadedBytes);
    }

    /** What the instances logged of calls to each other that failed or were made once more (read on a failure). */
    private static String dependencyTrouble() {
        return Stream.of(SharedServices.NAMES).flatMap(name -> services.instances(name).stream())
                .flatMap(p -> {
                    try (var lines = Files.lines(p.log())) {
                        return lines.filter(l -> l.contains("unavailable to this request") || l.contains("one more try")
                                || l.contains("call failed")).map(l -> p.log().getFileName() + ": " + l).toList()
                                .stream();
                    } catch (IOException | UncheckedIOException e) {
                        return Stream.of(p.log() + ": " + e);
                    }
                }).collect(Collectors.joining("\n", "\n", ""));
    }

    /**
     * Starts, stops, uploads and reads, one after another, until stopped; records every request and any that
     * failed (a 5xx, or no answer). The creations stop at a count (the checks afterwards read them one by one); the
     * reads go on.
     */
    private static final class SteadyLoad implements Runnable {

        private final String token;
        private final String gear;
        private final String dataset;
        private volatile boolean running = true;
        final List<String> started = new ArrayList<>();
        final List<String> stopped = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
        int requests;
        int uploaded;
        long uploadedBytes;

        SteadyLoad(String token, String gear, String dataset) {
            this.token = token;
            this.gear = gear;
            this.dataset = dataset;
        }

        void stop() {
            running = false;
        }

        @Override
        public void run() {
            for (int i = 0; running; i++) {
                if (started.size() < 40) {
                    Response r = call("start", () -> given().baseUri(services.url("execution")).auth()
                            .oauth2(token).contentType(ContentType.JSON)
                            .body(Map.of("mode", "script", "entryCommand", "python train.py"))
                            .post("/api/v1/gears/" + gear + "/executions"));
                    if (r != null && r.statusCode() == 201) {
                        started.add(r.path("id"));
                    }
                }
                if (i % 3 == 1 && !started.isEmpty() && stopped.size() < 12) {
                    String id = started.get(started.size() - 1);
                    Response r = call("stop", () -> given().baseUri(services.url("execution")).auth().oauth2(token)
                            .post("/api/v1/executions/" + id + "/stop"));
                    if (r != null && r.statusCode() == 200) {
                        stopped.add(id);
                    }
                }
                if (uploaded < 60) {
                    byte[] content = Api.random(1_000 + i, i);
                    String file = "part-" + i + ".bin";
                    Response r = call("upload", () -> api.upload(token, dataset, file, content));
                    if (r != null && r.statusCode() == 201) {
                        uploaded++;
                        uploadedBytes += content.length;
                    }
                }
                call("balance", () -> given().baseUri(services.url("billing")).auth().oauth2(token)
                        .get("/api/v1/billing/me"));
                call("storage", () -> given().baseUri(services.url("storage")).auth().oauth2(token)
                        .get("/api/v1/storage/me"));
                call("gear", () -> given().baseUri(services.url("gear")).auth().oauth2(token)
                        .get("/api/v1/gears/" + gear));
                if (!started.isEmpty()) {
                    String id = started.get(i % started.size());
                    call("execution", () -> given().baseUri(services.url("execution")).auth().oauth2(token)
                            .get("/api/v1/executions/" + id));
                }
                sleep(100);
            }
        }

        private Response call(String what, Supplier<Response> request) {
            requests++;
            try {
                Response r = request.get();
                if (r.statusCode() >= 500) {
                    failures.add(what + ": " + r.statusCode() + " " + r.asString());
                }
                return r;
            } catch (RuntimeException e) {
                failures.add(what + ": " + e);
                return null;
            }
        }
    }

    @Test
    @Order(2)
    void killingEveryServicesLeaderMidStreamLosesNothingAndDoublesNothing() {
        String owner = newUser("hana");
        String token = token(owner);
        api.topUp(owner, 10_000_000);
        // a spec priced so that every run's charge is more than nothing (1 200/h: 10 for 30 s)
        String gear = once(() -> api.createGear(token, "ha-" + System.nanoTime(), "cpu-16c64g", List.of())).then()
                .statusCode(201).extract().path("id");
        kubelet.plan(FakeKubelet.withLabel(PodFactory.LABEL_GEAR, gear), Outcome.SUCCEED, Duration.ofSeconds(30));

        Map<String, ServiceProcess> leaders = new LinkedHashMap<>();
        for (String name : SharedServices.NAMES) {
            await().atMost(WAIT).until(() -> leading(name).size() == 1);
            leaders.put(name, leading(name).get(0));
        }

        List<String> before = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            before.add(start(token, gear));
        }
        for (String id : before) {
            await().atMost(WAIT).until(() -> "RUNNING".equals(execution(token, id).getString("state")));
        }

        leaders.values().forEach(ServiceProcess::kill);
        long killed = System.nanoTime();

        List<String> after = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            after.add(start(token, gear));
        }
        String stoppedBefore = before.get(0);
        String stoppedAfter = after.get(0);
        await().atMost(WAIT).until(() -> "RUNNING".equals(execution(token, stoppedAfter).getString("state")));
        for (String id : List.of(stoppedBefore, stoppedAfter)) {
            once(() -> given().baseUri(services.url("execution")).auth().oauth2(token)
                    .post("/api/v1/executions/" + id + "/stop")).then().statusCode(200);
        }

        // each service leads again, from its survivor, within its lease
        for (String name : SharedServices.NAMES) {
            await().atMost(NEW_LEADER_WITHIN).until(() -> leading(name).size() == 1);
            ServiceProcess survivor = leading(name).get(0);
            assertThat(survivor).isNotSameAs(leaders.get(name));
            System.out.printf("high availability: %s leads again on its survivor (port %d) %d ms after the kill%n",
                    name, survivor.port(), (System.nanoTime() - killed) / 1_000_000);
        }

        List<String> all = new ArrayList<>(before);
        all.addAll(after);
        assertEndedChargedAndPublishedOnce(token, all, List.of(stoppedBefore, stoppedAfter));
        System.out.printf("high availability: %d requests needed their one retry%n", retries);
    }

    /**
     * Every execution ended, {@code stopped} as STOPPED and the others as their pods say (SUCCEEDED); each charged
     * once, exactly floor(price x seconds / 3600) for its running seconds; its start (when it ran) and its end
     * published once each.
     */
    private static void assertEndedChargedAndPublishedOnce(String token, List<String> all, List<String> stopped) {
        Map<String, JsonPath> ended = new LinkedHashMap<>();
        for (String id : all) {
            await().atMost(WAIT).until(() -> execution(token, id).getString("endedAt") != null);
            ended.put(id, execution(token, id));
        }
        Map<String, Map<String, Integer>> published = lifecycles(all);
        for (Map.Entry<String, JsonPath> e : ended.entrySet()) {
            String id = e.getKey();
            JsonPath x = e.getValue();
            assertThat(x.getString("state")).as(id).isEqualTo(stopped.contains(id) ? "STOPPED" : "SUCCEEDED");
            boolean ran = x.getString("startedAt") != null;
            if (ran) {
                await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> Api.number("billing",
                        "SELECT count(*) FROM metered_run WHERE execution_id = ? AND settled_at IS NOT NULL", id) == 1);
            }
            long seconds = ran ? Duration.between(Instant.parse(x.getString("startedAt")),
                    Instant.parse(x.getString("endedAt"))).toSeconds() : 0;
            long expected = x.getLong("pricePerHourMinor") * seconds / 3600;
            long charged = Api.number("billing",
                    "SELECT COALESCE(sum(amount_minor), 0) FROM charge WHERE execution_id = ?", id);
            long chargedSeconds = Api.number("billing",
                    "SELECT COALESCE(sum(seconds), 0) FROM charge WHERE execution_id = ?", id);
            System.out.printf("high availability: %s %s, %d s: charged %d for %d s (expected %d); events %s%n", id,
                    x.getString("state"), seconds, charged, chargedSeconds, expected, published.get(id));
            assertThat(chargedSeconds).as("seconds charged for %s", id).isEqualTo(seconds);
            assertThat(charged).as("charge of %s", id).isEqualTo(expected);
            if (x.getString("state").equals("SUCCEEDED")) {
                assertThat(charged).as("a whole run's charge").isPositive();
            }
            Map<String, Integer> events = published.get(id);
            assertThat(events.get("execution.started")).as("started events of %s", id).isEqualTo(ran ? 1 : null);
            String end = "execution." + x.getString("state").toLowerCase();
            assertThat(events.get(end)).as("%s events of %s", end, id).isEqualTo(1);
        }
    }

    /** The instances of a service that say they lead (its metric), among those alive. */
    private static List<ServiceProcess> leading(String name) {
        return Api.leading(services.instances(name));
    }

    private static String start(String token, String gear) {
        return once(() -> given().baseUri(services.url("execution")).auth().oauth2(token)
                .contentType(ContentType.JSON).body(Map.of("mode", "script", "entryCommand", "python train.py"))
                .post("/api/v1/gears/" + gear + "/executions")).then().statusCode(201).extract().path("id");
    }

    private static JsonPath execution(String token, String id) {
        return once(() -> given().baseUri(services.url("execution")).auth().oauth2(token)
                .get("/api/v1/executions/" + id)).then().statusCode(200).extract().jsonPath();
    }

    /**
     * A request, and once more if it failed in transit or with a 5xx (the instance it reached died under it): the
     * most a client of a replicated service should ever need.
     */
    private static Response once(Supplier<Response> request) {
        try {
            Response r = request.get();
            if (r.statusCode() < 500) {
                return r;
            }
        } catch (RuntimeException e) {
            // the connection died with its instance
        }
        retries++;
        return request.get();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean ended(String record) {
        return record.contains("\"execution.succeeded\"") || record.contains("\"execution.stopped\"");
    }

    /** How many events of each type the execution topic holds per execution. */
    private static Map<String, Map<String, Integer>> lifecycles(List<String> ids) {
        List<ConsumerRecord<String, String>> records = KafkaProbe.shared().readUntil(Topics.EXECUTION, WAIT,
                rs -> ids.stream().allMatch(id -> rs.stream().anyMatch(r -> id.equals(r.key()) && ended(r.value()))));
        Map<String, Map<String, Integer>> out = new HashMap<>();
        for (String id : ids) {
            out.put(id, new HashMap<>());
        }
        for (ConsumerRecord<String, String> r : records) {
            if (out.containsKey(r.key())) {
                EventEnvelope event = EventCodec.read(r.value());
                out.get(r.key()).merge(event.type(), 1, Integer::sum);
            }
        }
        return out;
    }
}
