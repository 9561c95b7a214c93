package io.hyperai.execution.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Typed;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ExceptionHandler;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.hyperai.execution.config.ExecutionConfig;
import io.vertx.core.net.SocketAddress;
import io.quarkus.runtime.StartupEvent;

/**
 * Executions as pods: an informer on the pods this service manages keeps a local cache and reports
 * every change; the cache answers {@link #observe} without a call to the API server. Each execution's home is a
 * claim of its own, created with the pod and saved by a pod of the platform once the execution's pod is gone
 * ({@link HomeSave}).
 */
@ApplicationScoped
@Typed(KubernetesRuntime.class)
public class KubernetesRuntime implements ExecutionRuntime, HomeSaves {

    private static final Logger LOG = Logger.getLogger(KubernetesRuntime.class);

    private final KubernetesClient client;
    private final ExecutionConfig config;
    private final PodFactory pods;
    private final HomeSave homes;
    private final CopyOnWriteArrayList<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private volatile SharedIndexInformer<Pod> informer;

    public KubernetesRuntime(KubernetesClient client, ExecutionConfig config) {
        this.client = client;
        this.config = config;
        this.pods = new PodFactory(config);
        this.homes = new HomeSave(config);
    }

    /**
     * Static, so that on the local runtime neither this bean nor its Kubernetes client (fabric8's configuration and
     * HTTP client) is made at start only to find there is nothing to watch.
     */
    static void startInformer(@Observes StartupEvent event, ExecutionConfig config,
            Instance<KubernetesRuntime> runtime) {
        if ("kubernetes".equals(config.runtime())) {
            runtime.get().watchPods();
        }
    }

    /** Not private: called through the bean's client proxy, which only delegates what it can override. */
    void watchPods() {
        // Started without waiting for the first list, and retried until the API server answers: the service runs
        // meanwhile and is not ready (RuntimeReadiness), where waiting here failed its start when the API was away.
        informer = client.pods().inNamespace(config.namespace())
                .withLabel(PodFactory.LABEL_MANAGED_BY, PodFactory.MANAGER)
                .runnableInformer(config.resyncInterval().toMillis());
        informer.exceptionHandler((started, e) -> !ExceptionHandler.isDeserializationException(e));
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                changed(pod);
            }

            @Override
            public void onUpdate(Pod before, Pod after) {
                // a resync hands every cached pod over again unchanged: the periodic pass covers those already
                if (!Objects.equals(before.getMetadata().getResourceVersion(),
                        after.getMetadata().getResourceVersion())) {
                    changed(after);
                }
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                changed(pod);
            }
        });
        informer.start().thenRun(() -> LOG.infof("pod informer synced with %s", client.getMasterUrl()));
        informer.stopped().whenComplete((v, e) -> {
            if (e != null) {
                LOG.errorf(e, "pod informer stopped");
            }
        });
    }

    private void changed(Pod pod) {
        String id = pod.getMetadata().getLabels().get(PodFactory.LABEL_EXECUTION);
        if (id != null) {
            listeners.forEach(l -> l.accept(id));
        }
    }

    @Override
    public void onChange(Consumer<String> changed) {
        listeners.add(changed);
    }

    @Override
    public void start(Launch launch) {
        Optional<String> saving = unsaved(launch);
        if (saving.isPresent()) {
            // it stays queued without a pod; the reconciler hands it over again until that save is done
            LOG.infof("execution %s waits for the home of %s to be saved", launch.executionId(), saving.get());
            return;
        }
        Pod pod = pods.pod(launch);
        try {
            createIfMissing(() -> client.persistentVolumeClaims().inNamespace(config.namespace())
                    .resource(homes.claim(launch)).create());
            createIfMissing(() -> client.pods().inNamespace(config.namespace()).resource(pod).create());
        } catch (RuntimeException e) {
            deleteHome(launch.executionId()); // it never ran: nothing to save
            if (e instanceof KubernetesClientException k && k.getCode() == 403
                    && String.valueOf(k.getMessage()).contains("exceeded quota")) {
                throw new CapacityRefused("the namespace's quota has no room for " + launch.executionId(), e);
            }
            throw e;
        }
        if (launch.isJupyter()) {
            createIfMissing(() -> client.services().inNamespace(config.namespace())
                    .resource(pods.service(launch)).create());
        }
    }

    @Override
    public void remove(String executionId) {
        remove(executionId, false);
    }

    @Override
    public void remove(String executionId, boolean knownToHaveRun) {
        String name = PodFactory.podName(executionId);
        // decided before the pod goes: a home whose user code never ran holds nothing worth saving
        // (before the cache has filled, nothing is known: keep it)
        boolean ran = knownToHaveRun || !synced()
                || cached(name).map(PodStatusInterpreter::started).orElse(false);
        client.pods().inNamespace(config.namespace()).withName(name).delete();
        client.services().inNamespace(config.namespace()).withName(name).delete();
        if (!ran) {
            deleteHome(executionId);
        }
    }

    /**
     * The save of an ended execution's home, one step per call: it waits until the execution's pod is gone (so no
     * user code runs any more), starts the save pod, and once its copy has run to the end deletes it and the claim.
     * A save pod that ended before its copy did (evicted, past its deadline, its node lost) is started again: a home
     * is never dropped without a copy. It answers true when nothing is left to do; the claim goes before the saved
     * directory is measured, so a call after a failed measurement finds nothing to do and it is simply repeated.
     */
    @Override
    public boolean saved(String executionId) {
        if (!synced() || (cached(PodFactory.podName(executionId)).isPresent() && exists(PodFactory.podName(executionId)))) {
            return false;
        }
        Optional<Pod> save = cached(HomeSave.podName(executionId));
        if (save.isPresent()) {
            String phase = save.get().getStatus() == null ? null : save.get().getStatus().getPhase();
            if (!"Succeeded".equals(phase) && !"Failed".equals(phase)) {
                return false;
            }
            client.pods().inNamespace(config.namespace()).withName(HomeSave.podName(executionId)).delete();
            Optional<Integer> exit = exitCode(save.get());
            if ("Failed".equals(phase) && (save.get().getStatus().getReason() != null
                    || exit.filter(code -> code == 1 || code == HomeSave.OVER_LIMIT).isEmpty())) {
                LOG.warnf("the save of %s's home ended before its copy did (%s); it starts again", executionId,
                        reason(save.get(), exit));
                return false;
            }
            if ("Failed".equals(phase)) {
                LOG.warnf("the home of %s is saved only in part (%s)", executionId, reason(save.get(), exit));
            }
            deleteHome(executionId);
            return true;
        }
        PersistentVolumeClaim claim = client.persistentVolumeClaims().inNamespace(config.namespace())
                .withName(HomeSave.claimName(executionId)).get();
        if (claim == null || claim.getMetadata().getDeletionTimestamp() != null) {
            return true;
        }
        createIfMissing(() -> client.pods().inNamespace(config.namespace())
                .resource(homes.pod(executionId, HomeSave.limitBytes(claim))).create());
        return false;
    }

    /** An ended execution whose saved working directory this one reads, and whose save has not finished. */
    private Optional<String> unsaved(Launch launch) {
        List<Launch.Mount> reads = new ArrayList<>(launch.inputs());
        if (launch.home() != null) {
            reads.add(launch.home());
        }
        return reads.stream().filter(m -> "workdirs".equals(m.volume())).map(Launch.Mount::subPath)
                .filter(id -> id != null && id.matches("[a-z0-9-]{1,58}")) // an execution id; no claim has another name
                .filter(id -> client.persistentVolumeClaims().inNamespace(config.namespace())
                        .withName(HomeSave.claimName(id)).get() != null)
                .findFirst();
    }

    private static Optional<ContainerStateTerminated> terminated(Pod save) {
        return Optional.ofNullable(save.getStatus().getContainerStatuses()).flatMap(cs -> cs.stream().findFirst())
                .map(c -> c.getState() == null ? null : c.getState().getTerminated());
    }

    private static Optional<Integer> exitCode(Pod save) {
        return terminated(save).map(ContainerStateTerminated::getExitCode);
    }

    private static String reason(Pod save, Optional<Integer> exit) {
        String reason = save.getStatus().getReason();
        String message = save.getStatus().getMessage() != null ? save.getStatus().getMessage()
                : terminated(save).map(ContainerStateTerminated::getMessage).orElse(null);
        return (reason != null ? reason : exit.map(code -> "exit " + code).orElse("no exit code"))
                + (message != null ? ": " + message.strip() : "");
    }

    private void deleteHome(String executionId) {
        client.persistentVolumeClaims().inNamespace(config.namespace()).withName(HomeSave.claimName(executionId))
                .delete();
    }

    /**
     * Asks the API server itself: the informer's cache may still hold a pod whose deletion it has not seen (a watch
     * event lost), and the save must not wait on it forever.
     */
    private boolean exists(String podName) {
        return client.pods().inNamespace(config.namespace()).withName(podName).get() != null;
    }

    private Optional<Pod> cached(String podName) {
        SharedIndexInformer<Pod> current = informer;
        return current == null ? Optional.empty()
                : Optional.ofNullable(current.getStore().getByKey(config.namespace() + "/" + podName));
    }

    @Override
    public boolean synced() {
        SharedIndexInformer<Pod> current = informer;
        return current != null && current.hasSynced();
    }

    @Override
    public Optional<PodObservation> observe(String executionId) {
        return cached(PodFactory.podName(executionId)).map(PodStatusInterpreter::interpret);
    }

    @Override
    public String workspaceBase(String executionId) {
        return config.workspaceBaseUrl();
    }

    /**
     * A running workspace's Jupyter, through its Service ({@code <pod>.<namespace>.svc}, the Jupyter port only), with
     * the token its pod was started with: what the proxy and the idle check reach it by. From the cache, no API call.
     */
    @Override
    public Optional<WorkspaceEndpoint> workspaceEndpoint(String executionId) {
        String name = PodFactory.podName(executionId);
        return cached(name)
                .filter(pod -> pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase()))
                .flatMap(PodFactory::jupyterToken)
                .map(token -> new WorkspaceEndpoint(SocketAddress.inetSocketAddress(config.jupyterPort(),
                        name + "." + config.namespace() + ".svc"), token));
    }

    @Override
    public java.util.Set<String> withContainers() {
        SharedIndexInformer<Pod> current = informer;
        if (current == null) {
            return java.util.Set.of();
        }
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (Pod pod : current.getStore().list()) {
            String id = pod.getMetadata().getLabels().get(PodFactory.LABEL_EXECUTION);
            if (id != null) {
                ids.add(id);
            }
        }
        return ids;
    }

    @Override
    public byte[] logs(String executionId, long offset, int max) {
        // bounded: the API server stops at offset + max, and what lies before offset is skipped as it streams
        int limit = (int) Math.min(Integer.MAX_VALUE, offset + max);
        return readLog(executionId, limit, in -> {
            in.skipNBytes(offset);
            byte[] bytes = in.readNBytes(max);
            in.read(); // the end, which the limit puts here: seen, so the stream ends without a reset (EndSeen)
            return bytes;
        }, new byte[0]);
    }

    @Override
    public LogChunk tail(String executionId, int max) {
        // one pass over the whole log, keeping only the last max bytes in a ring
        return readLog(executionId, null, in -> {
            byte[] ring = new byte[max];
            long total = 0;
            int n;
            byte[] buffer = new byte[64 * 1024];
            while ((n = in.read(buffer)) >= 0) {
                for (int i = 0; i < n; i++) {
                    ring[(int) ((total + i) % max)] = buffer[i];
                }
                total += n;
            }
            int kept = (int) Math.min(total, max);
            byte[] tail = new byte[kept];
            for (int i = 0; i < kept; i++) {
                tail[i] = ring[(int) ((total - kept + i) % max)];
            }
            return new LogChunk(total - kept, tail);
        }, new LogChunk(0, new byte[0]));
    }

    private interface LogReader<T> {
        T read(java.io.InputStream in) throws java.io.IOException;
    }

    private <T> T readLog(String executionId, Integer limitBytes, LogReader<T> reader, T none) {
        var pod = client.pods().inNamespace(config.namespace()).withName(PodFactory.podName(executionId))
                .inContainer("main");
        try (java.io.InputStream in = EndSeen.of(limitBytes == null ? pod.getLogInputStream()
                : pod.limitBytes(limitBytes).getLogInputStream())) {
            return in == null ? none : reader.read(in);
        } catch (java.io.EOFException e) {
            return none;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404 || e.getCode() == 400) {
                return none;
            }
            throw e;
        }
    }

    /**
     * A log stream closed only while its response is still arriving. Closing fabric8's stream resets its request
     * even after the response has ended, and Vert.x (4.5) then closes the connection, which by then is back in the
     * pool and may carry another call of this client: that call failed with "Connection was closed".
     */
    private static final class EndSeen extends java.io.InputStream {

        private final java.io.InputStream in;
        private boolean ended;

        private EndSeen(java.io.InputStream in) {
            this.in = in;
        }

        static EndSeen of(java.io.InputStream in) {
            return in == null ? null : new EndSeen(in);
        }

        @Override
        public int read() throws java.io.IOException {
            int b = in.read();
            ended |= b < 0;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws java.io.IOException {
            int n = in.read(b, off, len);
            ended |= n < 0;
            return n;
        }

        @Override
        public void close() throws java.io.IOException {
            if (!ended) {
                in.close();
            }
        }
    }

    private static void createIfMissing(Runnable create) {
        try {
            create.run();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    @PreDestroy
    void close() {
        if (informer != null) {
            informer.close();
        }
    }
}
