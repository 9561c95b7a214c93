package io.hyperai.execution;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import io.hyperai.common.lease.Leadership;
import io.hyperai.execution.runtime.LocalProcessRuntime;
import io.hyperai.test.SharedInfrastructure;
import io.hyperai.test.Sql;
import io.hyperai.test.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;

/**
 * Issue 22 on the local runtime: only the leader runs executions; an instance that does not lead forwards the ones it
 * dispatched over {@code NOTIFY}, and the leader starts a forwarded one at once; one that no notification reached is
 * started by the leader's periodic pass. The other instance is played by the lease: taken away from this one (another
 * holder in the database), this instance is a follower; given back, it leads. {@code pod-creation-grace} is an hour
 * here, so that nothing but a notification starts an execution dispatched a moment ago.
 */
@QuarkusTest
@TestProfile(LocalForwardingTest.LocalRuntime.class)
class LocalForwardingTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String CHANNEL = "hyperai_execution_runs";

    public static class LocalRuntime implements QuarkusTestProfile {
        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(LocalWorld.class));
        }
    }

    /** The usual world, executions as sandboxed processes under a directory the sandbox user can reach. */
    public static class LocalWorld extends ExecutionTestResource {
        @Override
        public synchronized Map<String, String> start() {
            Map<String, String> config = new HashMap<>(super.start());
            try {
                Path root = Files.createTempDirectory("hyperai-forwarding",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
                config.put("hyperai.execution.runtime", "local");
                config.put("hyperai.execution.local-root", root.resolve("executions").toString());
                config.put("hyperai.execution.warehouse-root", root.resolve("warehouse").toString());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            config.put("hyperai.execution.pod-creation-grace", "1h");
            return config;
        }
    }

    @Inject
    Leadership leadership;

    @BeforeEach
    void leading() {
        org.junit.jupiter.api.Assumptions.assumeTrue(LocalProcessRuntime.isSandboxed(), "bubblewrap is not installed");
        ExecutionTestResource.admitEverything();
        await().atMost(WAIT).until(leadership::leads);
    }

    @AfterEach
    void leadAgain() throws SQLException {
        giveLeaseBack();
    }

    @Test
    void aStartDispatchedWhileAnotherLeadsIsForwardedAndRunsOnceOnTheLeader() throws Exception {
        String gear = ExecutionTestResource.cpuGear("alice");
        try (Connection listener = connect()) {
            execute(listener, "LISTEN " + CHANNEL);
            takeLeaseAway();
            String id = start(gear);
            // dispatched here, and handed to the leader instead of started: no process, a notification with its id
            await().atMost(WAIT).until(() -> Sql.number(LocalForwardingTest::connect,
                    "SELECT count(*) FROM execution WHERE id = ?::uuid AND dispatched_at IS NOT NULL", id) == 1);
            assertThat(heard(listener, id)).as("the forwarded id").isTrue();
            assertThat(sandboxes(id)).isZero();
            assertThat(state(id)).isEqualTo("QUEUED");

            // this instance leads again; its pass leaves a start dispatched a moment ago to the one it was forwarded to
            giveLeaseBack();
            await().atMost(WAIT).until(leadership::leads);
            Thread.sleep(1_500); // the pass a new leader runs at once, and one more periodic one
            assertThat(state(id)).isEqualTo("QUEUED");
            assertThat(sandboxes(id)).isZero();

            // what the follower sent, heard by the leader: started at once, in one sandbox
            execute(listener, "SELECT pg_notify('" + CHANNEL + "', '" + id + "')");
            await().atMost(WAIT).until(() -> "RUNNING".equals(state(id)));
            assertThat(sandboxes(id)).isEqualTo(1);
            execute(listener, "SELECT pg_notify('" + CHANNEL + "', '" + id + "')"); // heard twice: still one
            given().auth().oauth2(Tokens.alice()).post("/api/v1/executions/" + id + "/stop").then().statusCode(200);
            await().atMost(WAIT).until(() -> sandboxes(id) == 0);
            assertThat(state(id)).isEqualTo("STOPPED");
        }
    }

    @Test
    void aForwardedStartThatNoNotificationReachedIsStartedByTheLeadersPass() throws Exception {
        String gear = ExecutionTestResource.cpuGear("alice");
        takeLeaseAway();
        String id = start(gear);
        await().atMost(WAIT).until(() -> Sql.number(LocalForwardingTest::connect,
                "SELECT count(*) FROM execution WHERE id = ?::uuid AND dispatched_at IS NOT NULL", id) == 1);
        // nobody led when it was sent; it is older than the grace when this instance leads again
        try (Connection c = connect()) {
            execute(c, "UPDATE execution SET dispatched_at = now() - interval '2 hours' WHERE id = '" + id + "'");
        }
        giveLeaseBack();
        await().atMost(WAIT).until(() -> "RUNNING".equals(state(id)));
        assertThat(sandboxes(id)).isEqualTo(1);
        given().auth().oauth2(Tokens.alice()).post("/api/v1/executions/" + id + "/stop").then().statusCode(200);
        await().atMost(WAIT).until(() -> sandboxes(id) == 0);
    }

    /** Another instance holds the lease for an hour: this one stops leading at its next renewal (every second). */
    private void takeLeaseAway() throws SQLException {
        try (Connection c = connect()) {
            execute(c, "UPDATE leader_lease SET holder = 'another-instance', expires_at = now() + interval '1 hour',"
                    + " fence = fence + 1 WHERE name = 'execution-service'");
        }
        await().atMost(WAIT).until(() -> !leadership.leads());
    }

    private static void giveLeaseBack() throws SQLException {
        try (Connection c = connect()) {
            execute(c, "UPDATE leader_lease SET expires_at = now() WHERE holder = 'another-instance'");
        }
    }

    private static String start(String gear) {
        return ExecutionTestResource.startExecution(Tokens.alice(), gear,
                "{\"mode\":\"script\",\"entryCommand\":\"sleep 120\"}");
    }

    private static String state(String id) {
        return ExecutionTestResource.stateOf(Tokens.alice(), id);
    }

    /**
     * The sandboxes of this execution on the machine: bubblewrap processes with its home in their command line, not
     * counting those a sandbox forked itself (bwrap's own child, the namespace's init).
     */
    static long sandboxes(String id) {
        java.util.function.Predicate<ProcessHandle> ofIt = p -> p.info().commandLine()
                .map(c -> c.contains("bwrap") && c.contains(id)).orElse(false);
        return ProcessHandle.allProcesses().filter(ofIt)
                .filter(p -> p.parent().map(parent -> !ofIt.test(parent)).orElse(true)).count();
    }

    private static boolean heard(Connection listener, String id) throws SQLException {
        long until = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < until) {
            PGNotification[] got = listener.unwrap(PGConnection.class).getNotifications(1_000);
            if (got != null) {
                for (PGNotification n : got) {
                    if (id.equals(n.getParameter())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static Connection connect() throws SQLException {
        return SharedInfrastructure.postgres().connect("execution");
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
