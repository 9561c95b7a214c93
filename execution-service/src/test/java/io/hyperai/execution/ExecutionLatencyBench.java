package io.hyperai.execution;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.hyperai.execution.runtime.PodFactory;
import io.hyperai.test.StandInService.Answer;
import io.hyperai.test.Tokens;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Not a test (the name keeps it out of the build): over N executions, the time from POST to pod
 * created and from pod Running to the execution showing RUNNING, p50 and p99, beside a bare fabric8
 * pod create on the same API server, both taken when a watch reports the pod (the same way: the watch's delivery
 * is in both), one bare create just before each start so that both meet the machine in the same state (measured in
 * a phase of their own, the bare creates' p99 moved from 4 to 9 ms between runs a minute apart). The first {@code
 * bench.warmup} starts and bare creates (default 20) warm both up and are not counted: otherwise the p99 of a few
 * hundred is the first, cold start; the measured ones begin {@code bench.settle-seconds} (default 35) after the
 * service started, once each of its periodic passes has run cold. RUNNING is seen by a client that asks for the state
 * again as soon as each answer arrives (one GET after another, from the pod's creation on), so the figure includes
 * at most one GET's time; the GETs' own p50 is printed beside it. Requests go through {@link BenchClient}. With
 * {@code bench.platform-timings} the service's periodic passes run at the intervals it has on {@code ./platform up},
 * not the tests' short ones. Beside them, the admission's round trips to the same stand-ins, bare, for the goal (5 x
 * the bare create's p99 plus theirs); the stand-ins are the JDK's HttpServer, which without {@code
 * sun.net.httpserver.nodelay} waits for the client's delayed ACK (40 ms a round trip from the JDK's client). Run:
 * {@code ./mvnw test -pl execution-service -Dtest=ExecutionLatencyBench -Dbench.executions=200
 * -Dbench.platform-timings=true -Dsun.net.httpserver.nodelay=true -DargLine=-XX:MaxGCPauseMillis=10} (this JVM also
 * holds the API server mock, the kubelet, the watches and the client: at G1's default pause goal its own young pauses
 * of 22-44 ms were the slowest starts).
 */
@QuarkusTest
class ExecutionLatencyBench {

    @Test
    void printLatencies() throws Exception {
        int n = Integer.getInteger("bench.executions", 200);
        ExecutionTestResource.dependencies.reset();
        String gearId = "bench-gear";
        ExecutionTestResource.dependencies
                .on("GET", "/internal/storage/admission/([^/]+)", r -> Answer.json("{\"blocked\":false}"))
                .on("GET", "/internal/billing/admission/([^/]+)", r -> Answer.json("{\"allowed\":true}"))
                .on("GET", "/internal/gears/" + gearId, r -> Answer.json("{\"id\":\"" + gearId
                        + "\",\"ownerId\":\"alice\",\"computeSpec\":{\"id\":\"cpu-1c2g\",\"vcpu\":1,\"memoryMib\":2048,"
                        + "\"diskGib\":20,\"pricePerHourMinor\":50,\"currency\":\"CNY\"},\"image\":{\"imageRef\":\"busybox\"},"
                        + "\"bindings\":[]}"));
        Map<String, Long> created = new ConcurrentHashMap<>();
        Map<String, Long> running = new ConcurrentHashMap<>();
        Watch watch = ExecutionTestResource.kubernetes.client().pods().inNamespace(ExecutionTestResource.NAMESPACE)
                .watch(new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, Pod pod) {
                        String id = pod.getMetadata().getLabels() == null ? null
                                : pod.getMetadata().getLabels().get(PodFactory.LABEL_EXECUTION);
                        if (id == null) {
                            return;
                        }
                        created.putIfAbsent(id, System.nanoTime());
                        if (pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase())) {
                            running.putIfAbsent(id, System.nanoTime());
                        }
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                    }
                });
        int warmup = Integer.getInteger("bench.warmup", 20);
        // the service's periodic passes (every 2-30 s) run their first time cold (class loading, the JIT): the
        // measured starts begin once each has run, this long after the service started, not among those first runs
        long settled = System.nanoTime() + Duration.ofSeconds(Integer.getInteger("bench.settle-seconds", 35)).toNanos();
        String token = Tokens.alice();
        BenchClient client = new BenchClient();
        List<Long> toPod = new ArrayList<>();
        List<Long> toRunning = new ArrayList<>();
        List<Long> gets = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        List<Instant> postedAt = new ArrayList<>();
        // the baseline, measured the same way and in turn with the starts (each iteration's bare create and admission
        // round trips just before its start), so that both meet the machine in the same state: a bare create, from
        // before it until the watch reports the pod; the admission's round trips, gear, storage and billing asked at
        // once (the service asks at most these, concurrently) from the bench's client to the same stand-in. The goal
        // is 5 x the bare create's p99 plus theirs
        Map<String, Long> bareSeen = new ConcurrentHashMap<>();
        Watch bareWatch = ExecutionTestResource.kubernetes.client().pods().inNamespace("default")
                .watch(new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, Pod pod) {
                        bareSeen.putIfAbsent(pod.getMetadata().getName(), System.nanoTime());
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                    }
                });
        List<Long> bare = new ArrayList<>();
        List<URI> admissionCalls = Stream.of("/internal/gears/" + gearId, "/internal/storage/admission/alice",
                "/internal/billing/admission/alice")
                .map(path -> URI.create(ExecutionTestResource.dependencies.url() + path)).toList();
        List<Long> admission = new ArrayList<>();
        for (int i = 0; i < warmup + n; i++) {
            if (i == warmup) {
                Thread.sleep(Math.max(0, (settled - System.nanoTime()) / 1_000_000));
            }
            String name = "bare-" + i;
            long t = System.nanoTime();
            ExecutionTestResource.kubernetes.client().pods().inNamespace("default").resource(new PodBuilder()
                    .withNewMetadata().withName(name).endMetadata().withNewSpec().addNewContainer()
                    .withName("c").withImage("busybox").endContainer().endSpec().build()).create();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1))
                    .until(() -> bareSeen.containsKey(name));
            long a = System.nanoTime();
            client.getAll(admissionCalls);
            if (i >= warmup) {
                bare.add(bareSeen.get(name) - t);
                admission.add(System.nanoTime() - a);
            }
            long posted = System.nanoTime();
            postedAt.add(Instant.now());
            String id = client.post(token, "gears/" + gearId + "/executions", "{\"mode\":\"jupyter\"}", 201).get("id")
                    .asText();
            ids.add(id);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1)).until(() -> created.containsKey(id));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            long seen;
            while (true) {
                long asked = System.nanoTime();
                String state = client.get(token, "executions/" + id).path("state").asText();
                seen = System.nanoTime();
                if (i >= warmup) {
                    gets.add(seen - asked);
                }
                if ("RUNNING".equals(state) || seen > deadline) {
                    break;
                }
            }
            // the service's informer may see Running before this watch does: then RUNNING was there at once. The
            // warm-up runs take the same steps as the measured ones
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1))
                    .until(() -> running.containsKey(id));
            if (i >= warmup) {
                toPod.add(created.get(id) - posted);
                toRunning.add(Math.max(0, seen - running.get(id)));
            }
        }
        watch.close();
        bareWatch.close();
        double goal = 5 * p(bare, 99) + p(admission, 99);
        System.out.printf("executions: %d%n", n);
        System.out.printf("POST -> pod created:        p50 %6.1f ms  p99 %6.1f ms%n", p(toPod, 50), p(toPod, 99));
        System.out.printf("pod Running -> RUNNING seen: p50 %6.1f ms  p99 %6.1f ms (GET after GET, each p50 %.1f ms)%n",
                p(toRunning, 50), p(toRunning, 99), p(gets, 50));
        System.out.printf("bare create, seen by watch: p50 %6.1f ms  p99 %6.1f ms%n", p(bare, 50), p(bare, 99));
        System.out.printf("admission round trips, three at once: p50 %6.1f ms  p99 %6.1f ms; goal for the start's p99:"
                + " 5 x %.1f + %.1f = %.1f ms%n", p(admission, 50), p(admission, 99), p(bare, 99), p(admission, 99),
                goal);
        // the tail, with each start's place in the run, to set beside the service's log
        System.out.printf("slowest POST -> pod created: %s%n", java.util.stream.IntStream.range(0, toPod.size())
                .boxed().sorted((a, b) -> Long.compare(toPod.get(b), toPod.get(a))).limit(5)
                .map(i -> String.format(Locale.ROOT, "#%d at %s %s %.1f ms", warmup + i, postedAt.get(warmup + i),
                        ids.get(warmup + i), toPod.get(i) / 1e6)).toList());
        // machine-readable lines for bench/run-all.sh: BENCH|name|figure|unit|baseline|ratio|note
        for (int q : new int[] { 50, 99 }) {
            System.out.printf(Locale.ROOT, "BENCH|start: POST to pod created, p%d (%d runs)|%.1f|ms|%.1f|%.1f|bare"
                    + " fabric8 pod create on the same API server, both until a watch reports the pod, one just before"
                    + " each start; %d warm-up runs of each not counted%s%n", q, n, p(toPod, q), p(bare, q),
                    p(toPod, q) / p(bare, q), warmup, q != 99 ? "" : String.format(Locale.ROOT, "; goal 5 x %.1f plus"
                            + " the admission's round trips (three at once, bare: p99 %.1f) = %.1f ms", p(bare, 99),
                            p(admission, 99), goal));
        }
        for (int q : new int[] { 50, 99 }) {
            System.out.printf(Locale.ROOT, "BENCH|start: pod Running to RUNNING seen, p%d (%d runs)|%.1f|ms|-|-|GET"
                    + " after GET (a GET's p50 %.1f ms is in the figure); %d warm-up starts not counted; no bare peer%n",
                    q, n, p(toRunning, q), p(gets, 50), warmup);
        }
        for (String id : ids) {
            given().auth().oauth2(token).post("/api/v1/executions/" + id + "/stop");
        }
    }

    private static double p(List<Long> nanos, int percentile) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1)) / 1e6;
    }
}
