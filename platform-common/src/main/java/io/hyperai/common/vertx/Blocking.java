package io.hyperai.common.vertx;

import java.util.concurrent.Executor;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Runs blocking work (a Kafka send, a Kubernetes call, file I/O) on a worker thread and comes back
 * to the caller's Vert.x context afterwards, where a Hibernate Reactive session must be used.
 */
public final class Blocking {

    private Blocking() {
    }

    public static <T> Uni<T> call(Supplier<T> work) {
        Context context = Vertx.currentContext();
        Executor back = context == null ? Runnable::run : command -> context.runOnContext(v -> command.run());
        return Uni.createFrom().item(work).runSubscriptionOn(Infrastructure.getDefaultWorkerPool()).emitOn(back);
    }

    public static Uni<Void> run(Runnable work) {
        return call(() -> {
            work.run();
            return null;
        });
    }
}
