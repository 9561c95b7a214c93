package io.hyperai.execution;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.hyperai.execution.runtime.PodFactory;
import io.hyperai.execution.service.ExecutionReconciler;
import io.hyperai.infra.k8s.FakeKubelet;
import io.hyperai.infra.k8s.FakeKubelet.Outcome;
import io.hyperai.test.SharedInfrastructure;
import io.hyperai.test.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.RestAssured;

/**
 * Not a test (the name keeps it out of the build): how many pod changes per second one informer and its reconciler
 * turn into execution states (docs/scale.md). N script executions are started (a tenth sequentially to warm up, the
 * rest from {@code bench.clients} clients at once: starts per second of one instance) and their pods held Pending
 * (unschedulable) by the fake kubelet; then every pod is scheduled at once (Pending, scheduled, Running: three
 * status writes each) and the time is taken until the execution database shows all N RUNNING; then every pod's
 * container exits 0 at once and the time is taken until all N are SUCCEEDED, and until every pod is deleted (the end
 * handled: output kept, pod removed, home claim handed to its save pod). Beside each, when the API server showed
 * the last pod in that phase (the fake kubelet's writes, one thread, in the same JVM), so the reconciler's own share
 * can be told apart. Finally the time of a full periodic pass over the N active executions. The reconcile resync
 * interval is the deployed default (30 s), so the periodic pass does not run during the bursts.
 * Run: {@code ./mvnw test -pl execution-service -Dtest=ReconcileThroughputBench -Dbench.pods=500 -Dbench.clients=8}.
 */
@QuarkusTest
@TestProfile(ReconcileThroughputBench.DeployedResync.class)
class ReconcileThroughputBench {

    /** The usual world with the deployed resync interval instead of the tests' 2 s. */
    public static class DeployedResync implements QuarkusTestProfile {
        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(DeployedResyncResource.class));
        }
    }

    public static class DeployedResyncResource extends ExecutionTestResource {
        @Override
        public synchronized Map<String, String> start() {
            Map<String, String> config = new java.util.HashMap<>(super.start());
            config.put("hyperai.execution.resync-interval", "30s");
            return config;
        }
    }

    @Inject
    ExecutionReconciler reconciler;

    /** Per execution id: its pod's name, and when the API server first showed it in each phase. */
    private final Map<String, String> podNames = new ConcurrentHashMap<>();
    private final Map<String, Long> running = new ConcurrentHashMap<>();
    private final Map<String, Long> succeeded = new ConcurrentHashMap<>();
    private final Map<String, Long> deleted = new ConcurrentHashMap<>();
    private final java.util.Set<String> unschedulable = ConcurrentHashMap.newKeySet();

    @Test
    void podsPerSecond() throws Throwable {
        int n = Integer.getInteger("bench.pods", 500);
        ExecutionTestResource.admitEverything();
        String gear = ExecutionTestResource.cpuGear("alice");
        FakeKubelet kubelet = ExecutionTestResource.kubelet;
        Predicate<Pod> ours = FakeKubelet.withLabel(PodFactory.LABEL_GEAR, gear);
        FakeKubelet.Plan held = kubelet.plan(ours, Outcome.UNSCHEDULABLE);
        FakeKubelet.Plan saves = kubelet.endHomeSaves();
        Watch watch = watch(gear);
        try {
            String token = Tokens.alice();
            int clients = Integer.getInteger("bench.clients", 8);
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest start = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port
                    + "/api/v1/gears/" + gear + "/executions")).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"mode\":\"script\",\"entryCommand\":\"python train.py\"}"))
                    .build();
            // a warm-up of a tenth, sequential, then the rest from several clients at once
            int warm = n / 10;
            for (int i = 0; i < warm; i++) {
                post(http, start);
            }
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            List<Future<?>> posts = new ArrayList<>();
            long t = System.nanoTime();
            for (int i = warm; i < n; i++) {
                posts.add(pool.submit(() -> post(http, start)));
            }
            for (Future<?> f : posts) {
                f.get();
            }
            double startSeconds = (System.nanoTime() - t) / 1e9;
            pool.shutdown();
            System.out.printf("BENCH reconcile: %d starts (POST .../executions, admission by stand-ins, plan, commit)"
                    + " from %d clients in %.2f s = %.0f starts/s (after %d sequential warm-up starts)%n", n - warm,
                    clients, startSeconds, (n - warm) / startSeconds, warm);
            waitFor(() -> unschedulable.size() == n, Duration.ofMinutes(5), "pods held");
            Thread.sleep(2_000); // let the held pods' last writes settle
            System.out.printf("BENCH reconcile: %d script executions' pods held Pending (unschedulable)%n", n);

            t = System.nanoTime();
            podNames.values().forEach(kubelet::schedule);
            long toRunning = waitFor(() -> count(gear, "RUNNING") == n, Duration.ofMinutes(5), "RUNNING");
            report("Pending -> Running", n, t, running, toRunning);

            long pass = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                VertxContextSupport.subscribeAndAwait(() -> reconciler.reconcileAll());
            }
            double passMs = (System.nanoTime() - pass) / 3e6;
            System.out.printf("BENCH reconcile: full periodic pass over %d active executions: %.0f ms"
                    + " (%.0f executions/s)%n", n, passMs, n / passMs * 1000);

            t = System.nanoTime();
            podNames.values().forEach(pod -> kubelet.finish(pod, 0));
            long toSucceeded = waitFor(() -> count(gear, "SUCCEEDED") == n, Duration.ofMinutes(5), "SUCCEEDED");
            report("Running -> Succeeded", n, t, succeeded, toSucceeded);
            long toDeleted = waitFor(() -> deleted.size() == n, Duration.ofMinutes(5), "pods deleted");
            long exits = t;
            List<Double> seconds = deleted.values().stream().map(at -> (at - exits) / 1e9).sorted().toList();
            double half = seconds.get(n / 2 - 1), most = seconds.get(n * 9 / 10 - 1);
            System.out.printf("BENCH reconcile: ended pods deleted (output kept, home handed to its save pod): half by"
                    + " %.2f s (%.0f ends handled/s), 90%% by %.2f s (%.0f/s), all by %.2f s (a reconciliation that"
                    + " failed waits for the next periodic pass)%n", half, n / 2 / half, most, n * 0.9 / most,
                    (toDeleted - t) / 1e9);
        } finally {
            watch.close();
            held.cancel();
            saves.cancel();
        }
    }

    private static Void post(HttpClient http, HttpRequest request) throws Exception {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new AssertionError("start answered " + response.statusCode() + ": " + response.body());
        }
        return null;
    }

    private static void report(String what, int n, long start, Map<String, Long> apiSeen, long dbSeen) {
        long lastApi = apiSeen.values().stream().mapToLong(Long::longValue).max().orElse(start);
        double api = (lastApi - start) / 1e9;
        double db = (dbSeen - start) / 1e9;
        System.out.printf("BENCH reconcile: %s for %d pods at once: API server showed the last at %.2f s, the"
                + " database all %d at %.2f s = %.0f pods/s end to end (the reconciler trailing the kubelet's writes"
                + " by %.2f s)%n", what, n, api, n, db, n / db, db - api);
    }

    private Watch watch(String gear) {
        return ExecutionTestResource.kubernetes.client().pods().inNamespace(ExecutionTestResource.NAMESPACE)
                .watch(new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, Pod pod) {
                        Map<String, String> labels = pod.getMetadata().getLabels();
                        // filtered here rather than by a selector: the mock API server's selectors are partial
                        if (labels == null || !gear.equals(labels.get(PodFactory.LABEL_GEAR))
                                || !PodFactory.COMPONENT.equals(labels.get(PodFactory.LABEL_COMPONENT))) {
                            return;
                        }
                        String id = labels.get(PodFactory.LABEL_EXECUTION);
                        long now = System.nanoTime();
                        podNames.putIfAbsent(id, pod.getMetadata().getName());
                        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
                        if (pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus()
                                .getConditions().stream().anyMatch(c -> "Unschedulable".equals(c.getReason()))) {
                            unschedulable.add(id);
                        }
                        if (action == Action.DELETED) {
                            deleted.putIfAbsent(id, now);
                        } else if ("Running".equals(phase)) {
                            running.putIfAbsent(id, now);
                        } else if ("Succeeded".equals(phase)) {
                            succeeded.putIfAbsent(id, now);
                        }
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                    }
                });
    }

    /** Polls every 10 ms; returns System.nanoTime() when the condition first held. */
    private static long waitFor(java.util.concurrent.Callable<Boolean> condition, Duration atMost, String what)
            throws Exception {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not all " + what + " within " + atMost);
            }
            Thread.sleep(10);
        }
        return System.nanoTime();
    }

    private static long count(String gear, String state) throws Exception {
        try (Connection c = SharedInfrastructure.postgres().connect("execution");
                PreparedStatement s = c.prepareStatement("SELECT count(*) FROM execution WHERE gear_id = ? AND state = ?")) {
            s.setString(1, gear);
            s.setString(2, state);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }
}
