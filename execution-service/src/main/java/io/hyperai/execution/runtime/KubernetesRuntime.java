package io.hyperai.execution.runtime;

import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Typed;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.hyperai.common.vertx.Blocking;
import io.hyperai.execution.config.ExecutionConfig;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;

/**
 * Executions as pods: an informer on the pods this service manages keeps a local cache and reports
 * every change; the cache answers {@link #observe} without a call to the API server.
 */
@ApplicationScoped
@Typed(KubernetesRuntime.class)
public class KubernetesRuntime implements ExecutionRuntime {

    private static final Logger LOG = Logger.getLogger(KubernetesRuntime.class);

    private final KubernetesClient client;
    private final ExecutionConfig config;
    private final PodFactory pods;
    private final CopyOnWriteArrayList<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private volatile SharedIndexInformer<Pod> informer;

    public KubernetesRuntime(KubernetesClient client, ExecutionConfig config) {
        this.client = client;
        this.config = config;
        this.pods = new PodFactory(config);
    }

    void startInformer(@Observes StartupEvent event) {
        if (!"kubernetes".equals(config.runtime())) {
            return;
        }
        informer = client.pods().inNamespace(config.namespace())
                .withLabel(PodFactory.LABEL_MANAGED_BY, PodFactory.MANAGER)
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(Pod pod) {
                        changed(pod);
                    }

                    @Override
                    public void onUpdate(Pod before, Pod after) {
                        changed(after);
                    }

                    @Override
                    public void onDelete(Pod pod, boolean finalStateUnknown) {
                        changed(pod);
                    }
                }, config.resyncInterval().toMillis());
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
    public Uni<Void> start(Launch launch) {
        return blocking(() -> {
            Pod pod = pods.pod(launch);
            createIfMissing(() -> client.pods().inNamespace(config.namespace()).resource(pod).create());
            if (launch.isJupyter()) {
                createIfMissing(() -> client.services().inNamespace(config.namespace())
                        .resource(pods.service(launch)).create());
            }
        });
    }

    @Override
    public Uni<Void> remove(String executionId) {
        return blocking(() -> {
            String name = PodFactory.podName(executionId);
            client.pods().inNamespace(config.namespace()).withName(name).delete();
            client.services().inNamespace(config.namespace()).withName(name).delete();
        });
    }

    @Override
    public boolean synced() {
        SharedIndexInformer<Pod> current = informer;
        return current != null && current.hasSynced();
    }

    @Override
    public Optional<PodObservation> observe(String executionId) {
        SharedIndexInformer<Pod> current = informer;
        if (current == null) {
            return Optional.empty();
        }
        Pod pod = current.getStore().getByKey(config.namespace() + "/" + PodFactory.podName(executionId));
        return Optional.ofNullable(pod).map(PodStatusInterpreter::interpret);
    }

    @Override
    public String workspaceBase(String executionId) {
        return config.workspaceBaseUrl();
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
    public Uni<byte[]> logs(String executionId, long offset, int max) {
        // bounded: the API server stops at offset + max, and what lies before offset is skipped as it streams
        int limit = (int) Math.min(Integer.MAX_VALUE, offset + max);
        return readLog(executionId, limit, in -> {
            in.skipNBytes(offset);
            return in.readNBytes(max);
        }, new byte[0]);
    }

    @Override
    public Uni<LogChunk> tail(String executionId, int max) {
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

    private <T> Uni<T> readLog(String executionId, Integer limitBytes, LogReader<T> reader, T none) {
        return Blocking.call(() -> {
            var pod = client.pods().inNamespace(config.namespace()).withName(PodFactory.podName(executionId))
                    .inContainer("main");
            try (java.io.InputStream in = limitBytes == null ? pod.getLogInputStream()
                    : pod.limitBytes(limitBytes).getLogInputStream()) {
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
        });
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

    private static Uni<Void> blocking(Runnable action) {
        return Blocking.run(action);
    }

    @PreDestroy
    void close() {
        if (informer != null) {
            informer.close();
        }
    }
}
