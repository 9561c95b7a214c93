package io.hyperai.billing.service;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import io.hyperai.common.lease.NotLeader;
import io.hyperai.common.client.DependencyFailures;
import io.hyperai.common.client.ExecutionClient;
import io.hyperai.common.events.payload.ExecutionEnded;
import io.hyperai.contracts.execution.ExecutionApi.Ended;
import io.hyperai.contracts.execution.ExecutionApi.EndedRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Level-triggered metering: every pass asks execution-service which of the runs billing still believes open have
 * ended, and closes those at their true end, charged to the second as their end event would have. So a lost
 * {@code execution.stopped} (or one dead-lettered, or a consumer far behind) costs at most one pass, never a run
 * charged forever. Each correction is logged and counted ({@code hyperai_reconcile_corrections_total{kind="run-closed"}});
 * execution-service away skips the pass.
 */
@ApplicationScoped
public class OpenRunsPass {

    private static final Logger LOG = Logger.getLogger(OpenRunsPass.class);
    private static final int CHUNK = 1000;
    private static final String OPEN = "SELECT execution_id FROM metered_run WHERE ended_at IS NULL ORDER BY execution_id";

    private final ExecutionClient executions;
    private final MeteringService metering;
    private final MeterRegistry registry;

    public OpenRunsPass(@RestClient ExecutionClient executions, MeteringService metering, MeterRegistry registry) {
        this.executions = executions;
        this.metering = metering;
        this.registry = registry;
    }

    @Scheduled(identity = "billing-open-runs", every = "${hyperai.billing.open-runs-check:60s}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = NotLeader.class)
    Uni<Void> scheduled() {
        return pass().onFailure().invoke(e -> LOG.warnf("the open-runs pass failed; the next one tries again: %s",
                e.getMessage())).onFailure().recoverWithNull().replaceWithVoid();
    }

    /** One pass; says how many runs it closed. */
    public Uni<Integer> pass() {
        AtomicInteger closed = new AtomicInteger();
        return Panache.withSession(() -> Panache.getSession()
                .chain(s -> s.createNativeQuery(OPEN, String.class).getResultList()))
                .chain(open -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (int i = 0; i < open.size(); i += CHUNK) {
                        List<String> chunk = List.copyOf(open.subList(i, Math.min(open.size(), i + CHUNK)));
                        chain = chain.chain(() -> settleChunk(chunk, closed));
                    }
                    return chain;
                })
                .map(v -> closed.get());
    }

    private Uni<Void> settleChunk(List<String> ids, AtomicInteger closed) {
        return DependencyFailures.guard("execution-service", executions.ended(new EndedRequest(ids))).chain(answer -> {
            if (!answer.unknown().isEmpty()) {
                LOG.warnf("execution-service does not know %d run(s) billing holds open, e.g. %s; left as they are",
                        answer.unknown().size(), answer.unknown().get(0));
            }
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (Ended ended : answer.ended()) {
                chain = chain.chain(() -> close(ended, closed));
            }
            return chain;
        });
    }

    private Uni<Void> close(Ended e, AtomicInteger closed) {
        ExecutionEnded ended = new ExecutionEnded(e.executionId(), e.gearId(), e.ownerId(), e.startedAt(), e.endedAt(),
                e.exitCode(), e.reason());
        return Panache.withTransaction(() -> metering.endedMeanwhile(ended)).invoke(charged -> charged.ifPresent(outcome -> {
            closed.incrementAndGet();
            registry.counter("hyperai_reconcile_corrections_total", "kind", "run-closed").increment();
            LOG.infof("run %s of %s closed at %s from execution-service (its end event never arrived): %d minor units",
                    e.executionId(), e.ownerId(), e.endedAt(), outcome.chargedMinor());
        })).replaceWithVoid();
    }
}
