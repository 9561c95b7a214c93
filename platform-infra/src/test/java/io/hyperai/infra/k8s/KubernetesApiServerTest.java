package io.hyperai.infra.k8s;

import static io.hyperai.infra.k8s.PodRecorder.phase;
import static io.hyperai.infra.k8s.PodRecorder.pod;
import static io.hyperai.infra.k8s.PodRecorder.script;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.hyperai.infra.k8s.FakeKubelet.Outcome;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link KubernetesApiServer} itself, and what fabric8's CRUD mock does and does not do, so the execution service
 * knows what it may rely on. Assertions that pin down a limitation say so.
 */
class KubernetesApiServerTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final AtomicInteger NS = new AtomicInteger();

    static KubernetesApiServer server;
    String ns;

    @BeforeAll
    static void startServer() {
        server = KubernetesApiServer.start(0);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void namespace() {
        ns = "mock-" + NS.incrementAndGet();
        server.createNamespace(ns);
    }

    @Test
    void startsOnAFixedLoopbackPortAndCreatesNamespaces() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (KubernetesApiServer fixed = KubernetesApiServer.start(port)) {
            assertThat(fixed.port()).isEqualTo(port);
            assertThat(fixed.url()).isEqualTo("http://127.0.0.1:" + port);
            KubernetesClient c = fixed.client();
            assertThat(c.getMasterUrl().toString()).startsWith("http://127.0.0.1:" + port);

            Namespace created = fixed.createNamespace("hyperai-executions");
            assertThat(created.getStatus().getPhase()).isEqualTo("Active");
            assertThat(fixed.createNamespace("hyperai-executions").getMetadata().getUid())
                    .isEqualTo(created.getMetadata().getUid()); // idempotent
            assertThat(c.namespaces().list().getItems()).extracting(n -> n.getMetadata().getName())
                    .contains("hyperai-executions");
            assertThat(c.getKubernetesVersion().getGitVersion()).isEqualTo(KubernetesApiServer.GIT_VERSION);
            assertThatThrownBy(() -> KubernetesApiServer.start(port)).isInstanceOf(IllegalStateException.class);

            // a pod is Pending from its creation, as on a real API server
            Pod p = c.pods().inNamespace("hyperai-executions").resource(script("p", Map.of())).create();
            assertThat(p.getStatus().getPhase()).isEqualTo("Pending");
            assertThat(p.getStatus().getQosClass()).isEqualTo("Guaranteed");
            assertThat(p.getMetadata().getUid()).isNotBlank();
            assertThat(p.getMetadata().getResourceVersion()).isNotBlank();

            // LIMITATION: deleting a namespace deletes just the namespace object, not what is in it
            c.namespaces().withName("hyperai-executions").delete();
            assertThat(c.namespaces().withName("hyperai-executions").get()).isNull();
            assertThat(c.pods().inNamespace("hyperai-executions").withName("p").get()).isNotNull();
        }
    }

    @Test
    void labelSelectorWatchSeesOnlyMatchingPods() {
        Events events = new Events();
        try (KubernetesClient c = server.newClient(ns);
                Watch w = c.pods().withLabel("hyperai.io/gear-id", "g1").watch(events)) {
            c.pods().resource(pod("a", Map.of("hyperai.io/gear-id", "g1"), Map.of(), "Never")).create();
            c.pods().resource(pod("b", Map.of("hyperai.io/gear-id", "g2"), Map.of(), "Never")).create();
            c.pods().resource(pod("c", Map.of("hyperai.io/gear-id", "g1"), Map.of(), "Never")).create();
            await().atMost(WAIT).until(() -> events.names().contains("c"));
            assertThat(events.names()).containsExactly("a", "c");

            // a label change that stops matching reaches the watcher as DELETED, like a real API server
            c.pods().withName("a").edit(p -> new PodBuilder(p).editMetadata()
                    .addToLabels("hyperai.io/gear-id", "g9").endMetadata().build());
            await().atMost(WAIT).until(() -> events.list.size() == 3);
            assertThat(events.list.get(2)).isEqualTo("DELETED a");
        }
    }

    @Test
    void aRefusedPodIsRefusedOnceAndOnlyForItsLabels() {
        try (KubernetesClient c = server.newClient(ns)) {
            server.refuseNextPodCreate(Map.of("gear", "g1"), 403, "Forbidden", "exceeded quota: executions");
            // another pod created meanwhile is stored, and does not use the refusal up
            c.pods().resource(pod("other", Map.of("gear", "g2"), Map.of(), "Never")).create();
            assertThatThrownBy(() -> c.pods().resource(pod("first", Map.of("gear", "g1"), Map.of(), "Never")).create())
                    .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                        assertThat(e.getCode()).isEqualTo(403);
                        assertThat(e.getStatus().getReason()).isEqualTo("Forbidden");
                        assertThat(e.getMessage()).contains("exceeded quota: executions");
                    });
            assertThat(c.pods().withName("first").get()).isNull();
            // the retry is admitted
            c.pods().resource(pod("first", Map.of("gear", "g1"), Map.of(), "Never")).create();
            assertThat(names(c.pods().list().getItems())).containsExactlyInAnyOrder("other", "first");
        }
    }

    @Test
    void setBasedSelectorsAreIgnoredSoTheyMatchEverything() {
        try (KubernetesClient c = server.newClient(ns)) {
            c.pods().resource(pod("x", Map.of("tier", "a"), Map.of(), "Never")).create();
            c.pods().resource(pod("y", Map.of("tier", "b"), Map.of(), "Never")).create();
            c.pods().resource(pod("z", Map.of("tier", "c"), Map.of(), "Never")).create();

            // LIMITATION: "tier in (a,b)" and "tier notin (a)" are dropped with a warning: all pods come back
            assertThat(names(c.pods().withLabelIn("tier", "a", "b").list().getItems())).containsExactly("x", "y", "z");
            assertThat(names(c.pods().withLabelNotIn("tier", "a").list().getItems())).containsExactly("x", "y", "z");
            // equality, inequality, existence work
            assertThat(names(c.pods().withLabel("tier", "b").list().getItems())).containsExactly("y");
            assertThat(names(c.pods().withoutLabel("tier", "b").list().getItems())).containsExactly("x", "z");
            assertThat(names(c.pods().withLabel("tier").list().getItems())).containsExactly("x", "y", "z");
        }
    }

    @Test
    void fieldSelectorsOtherThanTheNameMatchNothing() {
        try (KubernetesClient c = server.newClient(ns); FakeKubelet kubelet = new FakeKubelet(server.client(), ns).start()) {
            c.pods().resource(script("f1", Map.of())).create();
            await().atMost(WAIT).until(() -> "Running".equals(phase(c.pods().withName("f1").get())));

            assertThat(names(c.pods().withField("metadata.name", "f1").list().getItems())).containsExactly("f1");
            // LIMITATION: real servers support status.phase and spec.nodeName for pods; the mock matches nothing
            assertThat(c.pods().withField("status.phase", "Running").list().getItems()).isEmpty();
            assertThat(c.pods().withField("spec.nodeName", FakeKubelet.NODE_NAME).list().getItems()).isEmpty();
        }
    }

    @Test
    void informerWithLabelSelectorAndResync() throws Exception {
        try (KubernetesClient c = server.newClient(ns)) {
            c.pods().resource(pod("i1", Map.of("hyperai.io/user-id", "u1"), Map.of(), "Never")).create();
            c.pods().resource(pod("i2", Map.of("hyperai.io/user-id", "u2"), Map.of(), "Never")).create();
            List<String> seen = new CopyOnWriteArrayList<>();
            AtomicInteger resyncs = new AtomicInteger();
            SharedIndexInformer<Pod> informer = c.pods().withLabel("hyperai.io/user-id", "u1")
                    .inform(new ResourceEventHandler<Pod>() {
                        @Override
                        public void onAdd(Pod pod) {
                            seen.add("ADD " + pod.getMetadata().getName());
                        }

                        @Override
                        public void onUpdate(Pod oldPod, Pod newPod) {
                            if (oldPod.getMetadata().getResourceVersion()
                                    .equals(newPod.getMetadata().getResourceVersion())) {
                                resyncs.incrementAndGet();
                            } else {
                                seen.add("UPDATE " + newPod.getMetadata().getName());
                            }
                        }

                        @Override
                        public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
                            seen.add("DELETE " + pod.getMetadata().getName());
                        }
                    }, 1000); // fabric8 raises anything below 1000 ms to 1000 ms (with a warning)
            try {
                assertThat(informer.hasSynced()).isTrue();
                c.pods().resource(pod("i3", Map.of("hyperai.io/user-id", "u1"), Map.of(), "Never")).create();
                c.pods().withName("i1").edit(p -> new PodBuilder(p).editMetadata().addToAnnotations("k", "v")
                        .endMetadata().build());
                c.pods().withName("i3").delete();
                c.pods().withName("i2").delete();
                await().atMost(WAIT).until(() -> seen.contains("DELETE i3"));
                // resync: the cached pods are handed to onUpdate again, unchanged, every period
                int before = resyncs.get();
                await().atMost(WAIT).until(() -> resyncs.get() >= before + 2);
                assertThat(seen).containsExactly("ADD i1", "ADD i3", "UPDATE i1", "DELETE i3");
                assertThat(informer.getStore().list()).extracting(p -> p.getMetadata().getName()).containsExactly("i1");
            } finally {
                informer.close();
            }
        }
    }

    @Test
    void watchFromAResourceVersionDoesNotReplayHistory() {
        try (KubernetesClient c = server.newClient(ns)) {
            Pod created = c.pods().resource(script("h", Map.of())).create();
            String firstVersion = created.getMetadata().getResourceVersion();
            for (int i = 0; i < 3; i++) {
                int n = i;
                c.pods().withName("h").edit(p -> new PodBuilder(p).editMetadata()
                        .addToAnnotations("step", String.valueOf(n)).endMetadata().build());
            }
            Events events = new Events();
            try (Watch w = c.pods().watch(new ListOptionsBuilder().withResourceVersion(firstVersion).build(), events)) {
                await().atMost(WAIT).until(() -> !events.list.isEmpty());
                await().pollDelay(Duration.ofMillis(300)).until(() -> true);
                // LIMITATION: a real server would send the 3 MODIFIED events after firstVersion; the mock sends the
                // current state once, as ADDED, whatever resourceVersion is asked for
                assertThat(events.list).containsExactly("ADDED h");
                assertThat(events.pods.get(0).getMetadata().getAnnotations()).containsEntry("step", "2");
            }
        }
    }

    @Test
    void deleteIsImmediateWithoutGracePeriod() {
        try (KubernetesClient c = server.newClient(ns); FakeKubelet kubelet = new FakeKubelet(server.client(), ns).start()) {
            PodRecorder r = PodRecorder.watch(c, ns, "g");
            try (r) {
                c.pods().resource(script("g", Map.of())).create();
                await().atMost(WAIT).until(() -> "Running".equals(r.lastPhase()));
                c.pods().withName("g").withGracePeriod(30).delete();
                // LIMITATION: no Terminating phase, no deletionTimestamp (unless finalizers): the pod is just gone
                assertThat(c.pods().withName("g").get()).isNull();
                await().atMost(WAIT).until(() -> r.events.get(r.events.size() - 1).action() == Watcher.Action.DELETED);
                assertThat(r.events.get(r.events.size() - 1).pod().getStatus().getPhase()).isEqualTo("Running");
                assertThat(r.events.get(r.events.size() - 1).pod().getMetadata().getDeletionTimestamp()).isNull();
            }
        }
    }

    @Test
    void updatingAWholePodOverwritesItsStatus() {
        try (KubernetesClient c = server.newClient(ns); FakeKubelet kubelet = new FakeKubelet(server.client(), ns).start()) {
            c.pods().resource(script("u", Map.of())).create();
            await().atMost(WAIT).until(() -> "Running".equals(phase(c.pods().withName("u").get())));

            // edit (a JSON patch of the difference) leaves the status alone
            c.pods().withName("u").edit(p -> new PodBuilder(p).editMetadata().addToLabels("x", "1").endMetadata().build());
            assertThat(phase(c.pods().withName("u").get())).isEqualTo("Running");

            // LIMITATION: for built-in kinds the mock has no status subresource semantics on PUT: update() of a pod
            // carrying an older status writes that status (a real server ignores status in a PUT to the pod)
            Pod stale = c.pods().withName("u").get();
            stale.getStatus().setPhase("Pending");
            c.pods().resource(stale).update();
            assertThat(phase(c.pods().withName("u").get())).isEqualTo("Pending");

            // optimistic locking holds for the pod itself: an update() based on an old resourceVersion gets 409
            Pod old = c.pods().withName("u").get();
            c.pods().withName("u").edit(p -> new PodBuilder(p).editMetadata().addToLabels("x", "2").endMetadata().build());
            assertThatThrownBy(() -> c.pods().resource(old).update())
                    .isInstanceOf(KubernetesClientException.class)
                    .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(409));

            // LIMITATION: only JSON patch and JSON merge patch; strategic merge and server-side apply get 415
            assertThatThrownBy(() -> c.pods().withName("u").patch(PatchContext.of(PatchType.STRATEGIC_MERGE),
                    "{\"metadata\":{\"labels\":{\"y\":\"2\"}}}"))
                    .isInstanceOf(KubernetesClientException.class)
                    .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(415));
            assertThat(c.pods().withName("u").patch(PatchContext.of(PatchType.JSON_MERGE),
                    "{\"metadata\":{\"labels\":{\"y\":\"2\"}}}").getMetadata().getLabels()).containsEntry("y", "2");
        }
    }

    /** Fabric8's CRUD mock as-is, as in Quarkus' {@code @WithKubernetesTestServer(crud = true)}. */
    @Test
    void theKubeletAlsoDrivesAPlainCrudMock() {
        KubernetesMockServer plain = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(
                io.fabric8.kubernetes.client.utils.Serialization.jsonMapper()),
                new io.fabric8.mockwebserver.MockWebServer(), new java.util.HashMap<>(),
                new io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher(new java.util.HashMap<>()), false);
        plain.init();
        try (KubernetesClient kubeletClient = plain.createClient(); KubernetesClient c = plain.createClient();
                FakeKubelet kubelet = new FakeKubelet(kubeletClient, "test").start()) {
            PodRecorder r = PodRecorder.watch(c, "test", "plain");
            try (r) {
                Pod created = c.pods().inNamespace("test").resource(script("plain", Map.of(
                        FakeKubelet.OUTCOME_ANNOTATION, "succeed", FakeKubelet.RUN_MILLIS_ANNOTATION, "50"))).create();
                // LIMITATION: the plain mock stores the pod without a status; the kubelet writes Pending next
                assertThat(created.getStatus()).satisfiesAnyOf(s -> assertThat(s).isNull(),
                        s -> assertThat(s.getPhase()).isNull());
                await().atMost(WAIT).until(() -> "Succeeded".equals(r.lastPhase()));
                assertThat(r.phases()).containsExactly("<none>", "Pending", "Running", "Succeeded");

                // no pods/log in the plain mock: the kubelet keeps logs to itself
                assertThat(kubelet.serverServesLogs()).isFalse();
                kubelet.appendLog("plain", "hello\n");
                assertThat(kubelet.logOf("plain")).isEqualTo("hello\n");
                String log = c.pods().inNamespace("test").withName("plain").getLog();
                // LIMITATION: the plain mock does not parse .../pods/x/log and answers with a JSON list of everything
                assertThat(log).doesNotContain("hello").contains("\"kind\"");
            }
        } finally {
            plain.destroy();
        }
    }

    @Test
    void kubeletOutcomesArePlainValues() {
        assertThat(Outcome.exit(0)).isEqualTo(Outcome.SUCCEED);
        assertThat(Outcome.exit(3)).isEqualTo(Outcome.fail(3));
        assertThat(Outcome.fail(3).toString()).isEqualTo("FAIL(3)");
        assertThat(Outcome.OOM_KILLED.exitCode()).isEqualTo(137);
        assertThatThrownBy(() -> Outcome.fail(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ApiDispatcher.tailLines("a\nb\nc\n", 2)).isEqualTo("b\nc\n");
        assertThat(ApiDispatcher.tailLines("a\nb\nc", 1)).isEqualTo("c");
        assertThat(ApiDispatcher.tailLines("a\n", 5)).isEqualTo("a\n");
    }

    private static List<String> names(List<Pod> pods) {
        return pods.stream().map(p -> p.getMetadata().getName()).sorted().collect(Collectors.toList());
    }

    static final class Events implements Watcher<Pod> {
        final List<String> list = new CopyOnWriteArrayList<>();
        final List<Pod> pods = new CopyOnWriteArrayList<>();

        @Override
        public void eventReceived(Action action, Pod pod) {
            list.add(action + " " + pod.getMetadata().getName());
            pods.add(pod);
        }

        @Override
        public void onClose(WatcherException cause) {
        }

        List<String> names() {
            return list.stream().map(s -> s.substring(s.indexOf(' ') + 1)).distinct().collect(Collectors.toList());
        }
    }
}
