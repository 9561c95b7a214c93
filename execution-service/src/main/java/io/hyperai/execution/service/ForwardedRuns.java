package io.hyperai.execution.service;

import java.util.Optional;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.hyperai.common.lease.Leadership;
import io.hyperai.execution.runtime.LocalProcessRuntime;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;

/**
 * The leader's side of {@link RunPlacement} on the local runtime: every instance listens (any may lead next), the
 * leader reconciles each execution id it hears of at once. The subscriber reconnects by itself after a lost connection;
 * what was sent meanwhile is found by the periodic pass. An instance that finds another leading ends its own runs,
 * which the new leader reports as lost.
 */
@ApplicationScoped
public class ForwardedRuns {

    private static final Logger LOG = Logger.getLogger(ForwardedRuns.class);
    private static final long RECONNECT_MILLIS = 1_000;

    private final RunPlacement placement;
    private final Leadership leadership;
    private final ExecutionReconciler reconciler;
    private final Instance<LocalProcessRuntime> local;
    private final Vertx vertx;
    private final String url;
    private final Optional<String> user;
    private final Optional<String> password;
    private PgSubscriber subscriber;

    public ForwardedRuns(RunPlacement placement, Leadership leadership, ExecutionReconciler reconciler,
            Instance<LocalProcessRuntime> local, Vertx vertx,
            @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") Optional<String> user,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.placement = placement;
        this.leadership = leadership;
        this.reconciler = reconciler;
        this.local = local;
        this.vertx = vertx;
        this.url = url;
        this.user = user;
        this.password = password;
    }

    void start(@Observes StartupEvent event) {
        if (!placement.onLeaderOnly()) {
            return;
        }
        LocalProcessRuntime runtime = local.get();
        leadership.whenAnotherLeads(runtime::endAll);
        PgConnectOptions options = PgConnectOptions.fromUri(url.replaceFirst("^vertx-reactive:", ""));
        user.ifPresent(options::setUser);
        password.ifPresent(options::setPassword);
        subscriber = PgSubscriber.subscriber(vertx, options).reconnectPolicy(attempt -> RECONNECT_MILLIS);
        subscriber.channel(RunPlacement.CHANNEL).handler(this::heard);
        connect();
    }

    /** The reconnect policy covers a connection that closes; a first connect that fails is tried again here. */
    private void connect() {
        subscriber.connect().onFailure(e -> {
            LOG.warnf("listening for forwarded executions failed (%s); trying again, the periodic pass finds them"
                    + " meanwhile", e.getMessage());
            vertx.setTimer(RECONNECT_MILLIS, t -> {
                if (!subscriber.closed()) {
                    connect();
                }
            });
        });
    }

    private void heard(String executionId) {
        if (!leadership.leads()) {
            return;
        }
        Detached.run(vertx, () -> reconciler.reconcileAtOnce(executionId),
                e -> LOG.warnf("reconciling forwarded execution %s failed; the next pass retries: %s", executionId,
                        e.getMessage()));
    }

    @PreDestroy
    void close() {
        if (subscriber != null) {
            subscriber.close();
        }
    }
}
