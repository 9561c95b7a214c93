package io.hyperai.infra.k8s;

import static io.hyperai.infra.k8s.PodRecorder.condition;
import static io.hyperai.infra.k8s.PodRecorder.conditionIs;
import static io.hyperai.infra.k8s.PodRecorder.main;
import static io.hyperai.infra.k8s.PodRecorder.phase;
import static io.hyperai.infra.k8s.PodRecorder.pod;
import static io.hyperai.infra.k8s.PodRecorder.script;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watcher;
import io.hyperai.infra.k8s.FakeKubelet.Outcome;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fake kubelet against {@link KubernetesApiServer}; pods are created by a second client, like the service's. */
class FakeKubeletTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final AtomicInteger NS = new AtomicInteger();

    static KubernetesApiServer server;

    String ns;
    FakeKubelet kubelet;
    KubernetesClient service; // stands for the execution service's own client
    final List<PodRecorder> recorders = new ArrayList<>();

    @BeforeAll
    static void startServer() {
        server = KubernetesApiServer.start(0);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void setUp() {
        ns = "kubelet-" + NS.incrementAndGet();
        server.createNamespace(ns);
        kubelet = new FakeKubelet(server.client(), ns).start();
        service = server.newClient(ns);
    }

    @AfterEach
    void tearDown() {
        recorders.forEach(PodRecorder::close);
        kubelet.close();
        service.close();
    }

    private PodRecorder create(Pod pod) {
        PodRecorder r = PodRecorder.watch(service, ns, pod.getMetadata().getName());
        recorders.add(r);
        service.pods().inNamespace(ns).resource(pod).create();
        return r;
    }

    private static void awaitPhase(PodRecorder r, String phase) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(r.lastPhase()).isEqualTo(phase));
    }

    @Test
    void succeedsThroughPendingScheduledRunning() {
        PodRecorder r = create(script("ok", Map.of(FakeKubelet.OUTCOME_ANNOTATION, "succeed",
                FakeKubelet.RUN_MILLIS_ANNOTATION, "100")));

        awaitPhase(r, "Succeeded");
        assertThat(r.phases()).containsExactly("Pending", "Running", "Succeeded");
        // bound before Running: nodeName, PodScheduled=True, containers waiting in ContainerCreating
        assertThat(r.saw(p -> "Pending".equals(phase(p)) && FakeKubelet.NODE_NAME.equals(p.getSpec().getNodeName())
                && conditionIs(p, "PodScheduled", "True")
                && "ContainerCreating".equals(main(p).getState().getWaiting().getReason()))).isTrue();
        Pod running = r.events.stream().filter(e -> e.phase().equals("Running")).findFirst().orElseThrow().pod();
        assertThat(running.getStatus().getPodIP()).startsWith("10.244.");
        assertThat(running.getStatus().getStartTime()).isNotBlank();
        assertThat(main(running).getState().getRunning().getStartedAt()).isNotBlank();
        assertThat(main(running).getReady()).isTrue();
        assertThat(conditionIs(running, "Ready", "True")).isTrue();

        Pod done = r.last();
        ContainerStateTerminated t = main(done).getState().getTerminated();
        assertThat(t.getExitCode()).isZero();
        assertThat(t.getReason()).isEqualTo("Completed");
        assertThat(done.getSpec().getNodeName()).isEqualTo(FakeKubelet.NODE_NAME);
        assertThat(done.getStatus().getQosClass()).isEqualTo("Guaranteed");
    }

    @Test
    void failsWithTheAnnotatedExitCode() {
        PodRecorder r = create(script("bad", Map.of(FakeKubelet.OUTCOME_ANNOTATION, "fail",
                FakeKubelet.EXIT_CODE_ANNOTATION, "42", FakeKubelet.RUN_MILLIS_ANNOTATION, "50")));

        awaitPhase(r, "Failed");
        assertThat(r.phases()).containsExactly("Pending", "Running", "Failed");
        ContainerStateTerminated t = main(r.last()).getState().getTerminated();
        assertThat(t.getExitCode()).isEqualTo(42);
        assertThat(t.getReason()).isEqualTo("Error");
        assertThat(r.last().getStatus().getReason()).isNull();
    }

    @Test
    void oomKilledEndsFailedWithExit137() {
        PodRecorder r = create(script("oom", Map.of(FakeKubelet.OUTCOME_ANNOTATION, "oom",
                FakeKubelet.RUN_MILLIS_ANNOTATION, "50")));

        awaitPhase(r, "Failed");
        assertThat(r.phases()).containsExactly("Pending", "Running", "Failed");
        ContainerStateTerminated t = main(r.last()).getState().getTerminated();
        assertThat(t.getReason()).isEqualTo("OOMKilled");
        assertThat(t.getExitCode()).isEqualTo(137);
    }

    @Test
    void evictedForEphemeralStorage() {
        PodRecorder r = create(script("disk", Map.of(FakeKubelet.OUTCOME_ANNOTATION, "evict-disk",
                FakeKubelet.RUN_MILLIS_ANNOTATION, "50")));

        awaitPhase(r, "Failed");
        assertThat(r.phases()).containsExactly("Pending", "Running", "Failed");
        Pod done = r.last();
        assertThat(done.getStatus().getReason()).isEqualTo("Evicted");
        assertThat(done.getStatus().getMessage())
                .startsWith("The node was low on resource: ephemeral-storage.")
                .contains("Container main was using 12Gi, which exceeds its request of 0.");
        assertThat(main(done).getState().getTerminated()).isNotNull();
        assertThat(conditionIs(done, "DisruptionTarget", "True")).isTrue();
    }

    @Test
    void unschedulableStaysPendingUntilScheduled() throws Exception {
        PodRecorder r = create(script("gpu-hungry", Map.of(FakeKubelet.OUTCOME_ANNOTATION, "unschedulable")));

        await().atMost(WAIT).until(() -> conditionIs(r.last(), "PodScheduled", "False"));
        Pod waiting = r.last();
        assertThat(condition(waiting, "PodScheduled").orElseThrow().getReason()).isEqualTo("Unschedulable");
        assertThat(condition(waiting, "PodScheduled").orElseThrow().getMessage())
                .isEqualTo("0/3 nodes are available: 3 Insufficient nvidia.com/gpu.");
        Thread.sleep(300);
        assertThat(r.phases()).containsExactly("Pending");
        assertThat(service.pods().inNamespace(ns).withName("gpu-hungry").get().getSpec().getNodeName()).isNull();

        assertThat(kubelet.schedule("gpu-hungry")).isTrue();
        awaitPhase(r, "Running");
        assertThat(r.phases()).containsExactly("Pending", "Running");
        assertThat(r.last().getSpec().getNodeName()).isEqualTo(FakeKubelet.NODE_NAME);
        assertThat(conditionIs(r.last(), "PodScheduled", "True")).isTrue();
        assertThat(kubelet.schedule("gpu-hungry")).isFalse();
    }

    @Test
    void runsForeverByDefaultUntilFinishedWithExitCode3() throws Exception {
        PodRecorder r = create(script("forever", Map.of()));

        awaitPhase(r, "Running");
        Thread.sleep(400);
        assertThat(r.lastPhase()).isEqualTo("Running");

        assertThat(kubelet.finish("forever", 3)).isTrue();
        awaitPhase(r, "Failed");
        assertThat(r.phases()).containsExactly("Pending", "Running", "Failed");
        assertThat(main(r.last()).getState().getTerminated().getExitCode()).isEqualTo(3);
        assertThat(main(r.last()).getState().getTerminated().getReason()).isEqualTo("Error");
        assertThat(kubelet.finish("forever", 0)).isFalse(); // already ended
    }

    @Test
    void commandsOomKillAndEvictRunningPods() {
        PodRecorder a = create(script("cmd-oom", Map.of()));
        PodRecorder b = create(script("cmd-evict", Map.of()));
        awaitPhase(a, "Running");
        awaitPhase(b, "Running");

        assertThat(kubelet.oomKill("cmd-oom")).isTrue();
        assertThat(kubelet.evictForDisk("cmd-evict")).isTrue();

        awaitPhase(a, "Failed");
        awaitPhase(b, "Failed");
        assertThat(main(a.last()).getState().getTerminated().getReason()).isEqualTo("OOMKilled");
        assertThat(b.last().getStatus().getReason()).isEqualTo("Evicted");
        assertThatThrownBy(() -> kubelet.finish("no-such-pod", 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aCommandBeforeRunningBecomesTheOutcome() {
        PodRecorder r = create(script("early", Map.of()));
        kubelet.finish("early", 0); // right after create: queued or applied once Running
        awaitPhase(r, "Succeeded");
        assertThat(r.phases()).containsExactly("Pending", "Running", "Succeeded");
    }

    @Test
    void planChoosesTheOutcomeOfPodsWithoutAnnotations() {
        kubelet.plan(p -> true, Outcome.SUCCEED, Duration.ofMillis(50));
        kubelet.plan(FakeKubelet.withLabel("hyperai.io/gear-id", "gear-oom"), Outcome.OOM_KILLED, Duration.ofMillis(50));
        FakeKubelet.Plan fail = kubelet.plan(FakeKubelet.withLabel("hyperai.io/gear-id", "gear-fail"), Outcome.fail(2),
                Duration.ofMillis(50));

        PodRecorder oom = create(pod("p-oom", Map.of("hyperai.io/gear-id", "gear-oom"), Map.of(), "Never"));
        PodRecorder failed = create(pod("p-fail", Map.of("hyperai.io/gear-id", "gear-fail"), Map.of(), "Never"));
        PodRecorder other = create(pod("p-other", Map.of("hyperai.io/gear-id", "gear-x"), Map.of(), "Never"));
        // a pod's own annotations win over plans
        PodRecorder annotated = create(pod("p-annotated", Map.of("hyperai.io/gear-id", "gear-oom"),
                Map.of(FakeKubelet.OUTCOME_ANNOTATION, "run"), "Never"));

        awaitPhase(oom, "Failed");
        awaitPhase(failed, "Failed");
        awaitPhase(other, "Succeeded");
        awaitPhase(annotated, "Running");
        assertThat(main(oom.last()).getState().getTerminated().getReason()).isEqualTo("OOMKilled");
        assertThat(main(failed.last()).getState().getTerminated().getExitCode()).isEqualTo(2);

        fail.cancel();
        PodRecorder afterCancel = create(pod("p-fail-2", Map.of("hyperai.io/gear-id", "gear-fail"), Map.of(), "Never"));
        awaitPhase(afterCancel, "Succeeded");
    }

    @Test
    void deletingARunningPodStopsTheKubeletsWorkOnIt() throws Exception {
        kubelet.plan(p -> true, Outcome.SUCCEED, Duration.ofMillis(600));
        PodRecorder r = create(script("doomed", Map.of()));
        awaitPhase(r, "Running");
        assertThat(kubelet.trackedPods()).contains("doomed");

        service.pods().inNamespace(ns).withName("doomed").delete();

        await().atMost(WAIT).until(() -> !kubelet.trackedPods().contains("doomed"));
        await().atMost(WAIT).until(() -> r.events.get(r.events.size() - 1).action() == Watcher.Action.DELETED);
        int seen = r.events.size();
        Thread.sleep(900); // past the planned end
        assertThat(r.events).hasSize(seen);
        assertThat(service.pods().inNamespace(ns).withName("doomed").get()).isNull();
        assertThatThrownBy(() -> kubelet.finish("doomed", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void deletionWithAFinalizerStopsTheContainers() {
        Pod p = new PodBuilder(script("held", Map.of())).editMetadata().addToFinalizers("hyperai.io/test").endMetadata()
                .build();
        PodRecorder r = create(p);
        awaitPhase(r, "Running");

        service.pods().inNamespace(ns).withName("held").delete();

        awaitPhase(r, "Failed");
        assertThat(r.last().getMetadata().getDeletionTimestamp()).isNotNull();
        assertThat(main(r.last()).getState().getTerminated().getExitCode()).isEqualTo(143);

        service.pods().inNamespace(ns).withName("held").edit(x -> new PodBuilder(x).editMetadata()
                .withFinalizers(List.of()).endMetadata().build());
        await().atMost(WAIT).until(() -> service.pods().inNamespace(ns).withName("held").get() == null);
        await().atMost(WAIT).until(() -> !kubelet.trackedPods().contains("held"));
    }

    @Test
    void restartPolicyAlwaysRestartsAnOomKilledContainer() {
        PodRecorder r = create(pod("jupyter", Map.of("hyperai.io/execution-id", "jupyter"),
                Map.of(FakeKubelet.OUTCOME_ANNOTATION, "oom", FakeKubelet.RUN_MILLIS_ANNOTATION, "50"), "Always"));

        // the Pending status that comes first has an empty list of container statuses
        await().atMost(WAIT).until(() -> r.last() != null && r.last().getStatus().getContainerStatuses() != null
                && !r.last().getStatus().getContainerStatuses().isEmpty() && main(r.last()).getRestartCount() == 1);
        ContainerStatus cs = main(r.last());
        assertThat(r.lastPhase()).isEqualTo("Running");
        assertThat(cs.getState().getRunning()).isNotNull();
        assertThat(cs.getLastState().getTerminated().getReason()).isEqualTo("OOMKilled");
        assertThat(cs.getLastState().getTerminated().getExitCode()).isEqualTo(137);
        assertThat(r.phases()).containsExactly("Pending", "Running");
    }

    @Test
    void logReadsPastAByteFailAsABrokenLogConnectionWould() {
        PodRecorder r = create(script("cut", Map.of()));
        awaitPhase(r, "Running");
        kubelet.appendLog("cut", "epoch 1\nepoch 2\n");

        server.failLogReadsPast(ns, "cut", 8);
        // without fabric8's retries of a 500 (10 by default, 19 s)
        try (KubernetesClient once = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(
                new io.fabric8.kubernetes.client.ConfigBuilder(server.clientConfig(ns)).withRequestRetryBackoffLimit(0)
                        .build()).build()) {
            assertThat(once.pods().withName("cut").limitBytes(8).getLog()).isEqualTo("epoch 1\n");
            for (var read : List.<Runnable>of(() -> once.pods().withName("cut").limitBytes(9).getLog(),
                    () -> once.pods().withName("cut").getLog())) {
                assertThatThrownBy(read::run).isInstanceOf(KubernetesClientException.class)
                        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(500));
            }
            assertThat(server.failedLogReads(ns, "cut")).isEqualTo(2);

            server.failLogReadsPast(ns, "cut", -1);
            assertThat(once.pods().withName("cut").getLog()).isEqualTo("epoch 1\nepoch 2\n");
            assertThat(server.failedLogReads(ns, "cut")).isEqualTo(2);
        }
    }

    @Test
    void logsAreServedThroughPodsLog() {
        PodRecorder r = create(script("chatty", Map.of()));
        awaitPhase(r, "Running");

        kubelet.appendLog("chatty", "epoch 1 loss 0.9\n");
        kubelet.appendLog("chatty", "epoch 2 loss 0.5\nepoch 3 loss 0.2\n");

        assertThat(kubelet.serverServesLogs()).isTrue();
        assertThat(service.pods().inNamespace(ns).withName("chatty").getLog())
                .isEqualTo("epoch 1 loss 0.9\nepoch 2 loss 0.5\nepoch 3 loss 0.2\n");
        assertThat(service.pods().inNamespace(ns).withName("chatty").tailingLines(1).getLog())
                .isEqualTo("epoch 3 loss 0.2\n");
        assertThat(kubelet.logOf("chatty")).isEqualTo(server.podLog(ns, "chatty"));
        assertThatThrownBy(() -> kubelet.appendLog("nobody", "x")).isInstanceOf(IllegalArgumentException.class);

        service.pods().inNamespace(ns).withName("chatty").delete();
        await().atMost(WAIT).until(() -> kubelet.logOf("chatty").isEmpty());
        assertThatThrownBy(() -> service.pods().inNamespace(ns).withName("chatty").getLog())
                .isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(404));
    }

    @Test
    void logOfAPendingPodIsABadRequest() {
        PodRecorder r = create(script("not-yet", Map.of(FakeKubelet.OUTCOME_ANNOTATION, "unschedulable")));
        await().atMost(WAIT).until(() -> conditionIs(r.last(), "PodScheduled", "False"));
        assertThatThrownBy(() -> service.pods().inNamespace(ns).withName("not-yet").getLog())
                .isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(400));
    }

    @Test
    void podsThatExistBeforeStartAreTakenOver() {
        String other = ns + "-pre";
        server.createNamespace(other);
        try (KubernetesClient c = server.newClient(other)) {
            c.pods().resource(script("early-bird", Map.of(FakeKubelet.OUTCOME_ANNOTATION, "succeed",
                    FakeKubelet.RUN_MILLIS_ANNOTATION, "50"))).create();
            try (FakeKubelet late = new FakeKubelet(server.client(), other).start()) {
                await().atMost(WAIT).until(() -> "Succeeded".equals(phase(c.pods().withName("early-bird").get())));
            }
        }
    }

    @Test
    void manyPodsAtOnce() {
        kubelet.plan(p -> true, Outcome.SUCCEED, Duration.ofMillis(30));
        List<PodRecorder> rs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            rs.add(create(script("batch-" + i, Map.of())));
        }
        for (PodRecorder r : rs) {
            awaitPhase(r, "Succeeded");
            assertThat(r.phases()).containsExactly("Pending", "Running", "Succeeded");
        }
        long ips = rs.stream().map(r -> r.last().getStatus().getPodIP()).distinct().count();
        assertThat(ips).isEqualTo(20);
    }
}
