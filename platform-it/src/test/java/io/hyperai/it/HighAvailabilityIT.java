package io.hyperai.it;

import static io.hyperai.it.Api.newUser;
import static io.hyperai.it.Api.token;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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
 * A stream of executions runs through both instances; mid-stream the instance of every service that leads (holds its
 * singleton work's lease) is killed with kill -9. Afterwards: every request succeeded (after one retry at most), each
 * service has a new leader within its lease, every execution reached the state its pod says, each was charged exactly
 * once for its running time, and its lifecycle was published once. Runs in a JVM (and on infrastructure) of its own.
 */
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
                "KAFKA_SESSION_TIMEOUT_MS", "6000", "KAFKA_HEARTBEAT_INTERVAL_MS", "1000"), kubernetes.url());
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

        Instant killedAt = Instant.now();
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
        Map<String, JsonPath> ended = new LinkedHashMap<>();
        for (String id : all) {
            await().atMost(WAIT).until(() -> execution(token, id).getString("endedAt") != null);
            ended.put(id, execution(token, id));
        }
        for (Map.Entry<String, JsonPath> e : ended.entrySet()) {
            boolean stopped = e.getKey().equals(stoppedBefore) || e.getKey().equals(stoppedAfter);
            assertThat(e.getValue().getString("state")).as(e.getKey()).isEqualTo(stopped ? "STOPPED" : "SUCCEEDED");
        }

        // charged once, exactly, for each run's time; its lifecycle published once
        Map<String, Map<String, Integer>> published = lifecycles(all);
        for (Map.Entry<String, JsonPath> e : ended.entrySet()) {
            String id = e.getKey();
            JsonPath x = e.getValue();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> Api.number("billing",
                    "SELECT count(*) FROM metered_run WHERE execution_id = ? AND settled_at IS NOT NULL", id) == 1);
            long seconds = Duration.between(Instant.parse(x.getString("startedAt")),
                    Instant.parse(x.getString("endedAt"))).toSeconds();
            long expected = x.getLong("pricePerHourMinor") * seconds / 3600;
            long charged = Api.number("billing",
                    "SELECT COALESCE(sum(amount_minor), 0) FROM charge WHERE execution_id = ?", id);
            long chargedSeconds = Api.number("billing",
                    "SELECT COALESCE(sum(seconds), 0) FROM charge WHERE execution_id = ?", id);
            System.out.printf("high availability: %s %s, %d s (%s the kill): charged %d for %d s (expected %d); "
                    + "events %s%n", id, x.getString("state"), seconds,
                    Instant.parse(x.getString("startedAt")).isBefore(killedAt) ? "started before" : "started after",
                    charged, chargedSeconds, expected, published.get(id));
            assertThat(chargedSeconds).as("seconds charged for %s", id).isEqualTo(seconds);
            assertThat(charged).as("charge of %s", id).isEqualTo(expected);
            if (x.getString("state").equals("SUCCEEDED")) {
                assertThat(charged).as("a 30 s run's charge").isPositive();
            }
            Map<String, Integer> events = published.get(id);
            assertThat(events.get("execution.started")).as("started events of %s", id).isEqualTo(1);
            String end = "execution." + x.getString("state").toLowerCase();
            assertThat(events.get(end)).as("%s events of %s", end, id).isEqualTo(1);
        }
        System.out.printf("high availability: %d requests needed their one retry%n", retries);
    }

    /** The instances of a service that say they lead (its metric), among those alive. */
    private static List<ServiceProcess> leading(String name) {
        List<ServiceProcess> out = new ArrayList<>();
        for (ServiceProcess p : services.instances(name)) {
            if (p.isAlive()) {
                try {
                    String metrics = given().baseUri(p.url()).get("/q/metrics").then().extract().asString();
                    if (metrics.lines().anyMatch(l -> l.startsWith("hyperai_leader ") && l.endsWith(" 1.0"))) {
                        out.add(p);
                    }
                } catch (RuntimeException e) {
                    // not answering: not leading
                }
            }
        }
        return out;
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
