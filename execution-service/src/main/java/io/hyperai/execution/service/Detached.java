package io.hyperai.execution.service;

import java.util.function.Consumer;
import java.util.function.Supplier;

import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Starts reactive work apart from whoever asked for it, on a duplicated context of its own that Hibernate Reactive
 * accepts: the caller's session (or a timer's, or a callback's missing context) is not the work's.
 */
final class Detached {

    private Detached() {
    }

    static void run(Vertx vertx, Supplier<Uni<Void>> work, Consumer<Throwable> onFailure) {
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        context.runOnContext(ignored -> work.get().subscribe().with(ok -> {
        }, onFailure));
    }
}
