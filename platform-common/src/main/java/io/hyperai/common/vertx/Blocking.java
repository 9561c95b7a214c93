package io.hyperai.common.vertx;

import java.util.concurrent.Executor;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Runs blocking work (a Kafka send, a Kubernetes call, file I/O) on a worker thread and comes back
 * to a Vert.x context afterwards, where a Hibernate Reactive session must be used. Failure callbacks
 * may run on another thread (a REST client's), so code that mixes blocking work with a session
 * captures its {@link #context()} once, where the request runs, and passes it.
 */
public final class Blocking {

    private Blocking() {
    }

    /** The current Vert.x context; call where the request or transaction runs. */
    public static Context context() {
        Context context = Vertx.currentContext();
        if (context == null) {
            throw new IllegalStateException("no Vert.x context to return to");
        }
        return context;
    }

    /** Runs {@code work} on a worker and returns to {@code back} (null: wherever the worker is). */
    public static <T> Uni<T> call(Context back, Supplier<T> work) {
        Executor executor = back == null ? Runnable::run : command -> back.runOnContext(v -> command.run());
        return Uni.createFrom().item(work).runSubscriptionOn(Infrastructure.getDefaultWorkerPool()).emitOn(executor);
    }

    public static Uni<Void> run(Context back, Runnable work) {
        return call(back, () -> {
            work.run();
            return null;
        });
    }

    /** As {@link #call(Context, Supplier)}, back to the context of the calling thread, if it has one. */
    public static <T> Uni<T> call(Supplier<T> work) {
        return call(Vertx.currentContext(), work);
    }

    public static Uni<Void> run(Runnable work) {
        return run(Vertx.currentContext(), work);
    }
}
