package io.hyperai.infra.k8s;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jboss.logging.Logger;

/**
 * The fake kubelet's one worker thread: informer events, timers and test commands all run here, one at a time, so the
 * pods' state needs no locks.
 */
final class NodeThread implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(NodeThread.class);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private final String namespace;
    private final ScheduledThreadPoolExecutor executor;
    private volatile Thread thread;
    private volatile boolean closed;

    NodeThread(String namespace) {
        this.namespace = namespace;
        this.executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "fake-kubelet-" + namespace);
            t.setDaemon(true);
            thread = t;
            return t;
        });
        this.executor.setRemoveOnCancelPolicy(true);
        this.executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    boolean isClosed() {
        return closed;
    }

    /** Runs {@code task} soon; a failure is logged, nothing happens once closed. */
    void post(Runnable task) {
        if (closed) {
            return;
        }
        try {
            executor.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.warnf(e, "fake kubelet for %s: event handling failed", namespace);
                }
            });
        } catch (RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    /** Runs {@code step} after {@code delay}; null once closed. */
    ScheduledFuture<?> schedule(Duration delay, Runnable step) {
        try {
            return executor.schedule(() -> {
                if (!closed) {
                    step.run();
                }
            }, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    /** Runs {@code task} on this thread (at once when called from it) and returns its answer. */
    <T> T call(Callable<T> task) {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        if (Thread.currentThread() == thread) {
            try {
                return task.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        Future<T> f = executor.submit(task);
        try {
            return f.get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException) {
                throw (RuntimeException) e.getCause();
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new IllegalStateException("fake kubelet did not answer within " + COMMAND_TIMEOUT, e);
        }
    }

    @Override
    public void close() {
        closed = true;
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warnf("fake kubelet for %s did not stop within 5 s", namespace);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
