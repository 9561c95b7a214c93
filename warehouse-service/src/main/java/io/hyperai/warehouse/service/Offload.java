package io.hyperai.warehouse.service;

import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Runs blocking file work on a worker thread and comes back to the caller's Vert.x context, where
 * Hibernate Reactive sessions must stay.
 */
final class Offload {

    private Offload() {
    }

    /** The context to come back to; call on the event loop, where the request or transaction runs. */
    static Context context() {
        Context context = Vertx.currentContext();
        if (context == null) {
            throw new IllegalStateException("no Vert.x context to return to");
        }
        return context;
    }

    static <T> Uni<T> blocking(Context back, Supplier<T> work) {
        return Uni.createFrom().item(work).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .emitOn(command -> back.runOnContext(v -> command.run()));
    }

    static Uni<Void> blocking(Context back, Runnable work) {
        return blocking(back, () -> {
            work.run();
            return null;
        }).replaceWithVoid();
    }
}
