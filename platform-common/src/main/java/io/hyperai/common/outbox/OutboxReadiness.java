package io.hyperai.common.outbox;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The outbox backlog (events committed but not yet acknowledged by Kafka) in the readiness data; DOWN only above
 * {@link OutboxConfig#readyMaxBacklog()}. Liveness never looks at it: restarting does not publish faster. The count
 * stops one past the limit, so a probe every few seconds reads at most that many index entries of the unsent rows.
 */
@Readiness
@ApplicationScoped
public class OutboxReadiness implements AsyncHealthCheck {

    static final String NAME = "outbox backlog";
    static final String COUNT = """
            SELECT count(*) AS n FROM (SELECT 1 FROM outbox_event WHERE sent_at IS NULL LIMIT $1) AS unsent""";

    private final Pool pool;
    private final OutboxConfig config;

    public OutboxReadiness(Pool pool, OutboxConfig config) {
        this.pool = pool;
        this.config = config;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        long limit = config.readyMaxBacklog();
        return pool.preparedQuery(COUNT).execute(Tuple.of(limit + 1))
                .map(rows -> {
                    long unsent = rows.iterator().next().getLong("n");
                    // limit + 1 reads "more than the limit": the count stops there
                    return HealthCheckResponse.named(NAME).status(unsent <= limit).withData("unsent", unsent)
                            .withData("limit", limit).build();
                })
                .onFailure().recoverWithItem(e -> HealthCheckResponse.named(NAME).down()
                        .withData("error", "the outbox could not be counted").withData("limit", limit).build());
    }
}
