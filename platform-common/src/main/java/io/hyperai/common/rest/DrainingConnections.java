package io.hyperai.common.rest;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;

/**
 * While a stopping instance still serves (the shutdown delay, when it already reports not ready), every answer
 * closes its connection ({@code Connection: close}). A kept-alive connection of another service would otherwise stay
 * on this instance until the final close, where a request sent just then is lost; closed after an answer, the
 * caller's next request opens a connection to a ready instance. Quarkus does the same only once the delay is over.
 * A connection that stays idle through the delay can still meet the close: callers repeat such a call once
 * ({@code Dependencies}).
 */
@Singleton
public class DrainingConnections {

    private volatile boolean draining;

    void onShutdownDelay(@Observes ShutdownDelayInitiatedEvent event) {
        draining = true;
    }

    void addTo(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(rc -> {
            if (draining && rc.request().version() != HttpVersion.HTTP_2) {
                rc.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
                rc.addEndHandler(done -> rc.request().connection().close());
            }
            rc.next();
        });
    }
}
