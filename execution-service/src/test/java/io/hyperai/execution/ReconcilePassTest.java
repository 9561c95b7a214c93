package io.hyperai.execution;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.hyperai.execution.runtime.PodFactory;
import io.hyperai.execution.service.ExecutionReconciler;
import io.hyperai.infra.k8s.FakeKubelet;
import io.hyperai.infra.k8s.FakeKubelet.Outcome;
import io.hyperai.test.SharedInfrastructure;
import io.hyperai.test.Tokens;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;

/** The periodic pass: one read of every active execution, a locked reconciliation only where a row and its pod disagree. */
@QuarkusTest
class ReconcilePassTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    ExecutionReconciler reconciler;

    @Inject
    MeterRegistry registry;

    @BeforeEach
    void admitEverything() {
        ExecutionTestResource.admitEverything();
    }

    @Test
    void thePassRepairsWhatDisagreesWithoutWaitingForSteadyRows() throws Exception {
        String gearId = ExecutionTestResource.cpuGear("alice");
        FakeKubelet.Plan plan = ExecutionTestResource.kubelet.plan(FakeKubelet.withLabel(PodFactory.LABEL_GEAR, gearId),
                Outcome.SUCCEED, Duration.ofMinutes(10));
        String steady = start(gearId);
        String missed = start(gearId);
        await().atMost(WAIT).until(() -> "RUNNING".equals(state(steady)) && "RUNNING".equals(state(missed)));

        try (Connection db = SharedInfrastructure.postgres().connect("execution")) {
            // a RUNNING the service never recorded (an event lost with a crash): its pod will not change again, so
            // only a pass can see it
            try (PreparedStatement back = db.prepareStatement("UPDATE execution SET state = 'STARTING' WHERE id = ?")) {
                back.setObject(1, UUID.fromString(missed));
                assertThat(back.executeUpdate()).isEqualTo(1);
            }
            // someone else holds the steady execution's row: a pass that locked every row would wait here
            db.setAutoCommit(false);
            try (PreparedStatement hold = db.prepareStatement("SELECT id FROM execution WHERE id = ? FOR UPDATE")) {
                hold.setObject(1, UUID.fromString(steady));
                hold.executeQuery().close();
            }
            double unchangedBefore = passCount("unchanged");
            double reconciledBefore = passCount("reconciled");
            CompletableFuture<Void> pass = CompletableFuture.runAsync(() -> {
                try {
                    VertxContextSupport.subscribeAndAwait(() -> reconciler.reconcileAll());
                } catch (Throwable e) {
                    throw new IllegalStateException(e);
                }
            });
            try {
                pass.get(30, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("the pass waited for the lock of an execution it had nothing to change", e);
            } finally {
                db.rollback();
            }
            assertThat(state(missed)).as("the disagreeing execution, repaired by the pass").isEqualTo("RUNNING");
            assertThat(state(steady)).isEqualTo("RUNNING");
            assertThat(passCount("unchanged")).as("executions left as listed").isGreaterThan(unchangedBefore);
            assertThat(passCount("reconciled")).as("executions reconciled under their lock")
                    .isGreaterThan(reconciledBefore);
        } finally {
            plan.cancel();
            for (String id : new String[] { steady, missed }) {
                given().auth().oauth2(Tokens.alice()).post("/api/v1/executions/" + id + "/stop").then().statusCode(200);
            }
        }
    }

    private double passCount(String outcome) {
        return registry.get("hyperai_execution_reconcile_pass_executions").tag("outcome", outcome).counter().count();
    }

    private static String start(String gearId) {
        return ExecutionTestResource.startExecution(Tokens.alice(), gearId,
                "{\"mode\":\"script\",\"entryCommand\":\"python train.py\"}");
    }

    private static String state(String id) {
        return ExecutionTestResource.stateOf(Tokens.alice(), id);
    }
}
