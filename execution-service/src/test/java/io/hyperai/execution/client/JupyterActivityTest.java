package io.hyperai.execution.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.hyperai.execution.runtime.WorkspaceEndpoint;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.SocketAddress;

/**
 * Reading a workspace's activity from its Jupyter server, here a stand-in on loopback that answers as Jupyter's
 * {@code /api/kernels} and {@code /api/terminals} do (the e2e idle tests read a real one). What it answers is user
 * code's to choose, so a huge or endless answer must cost the platform nothing.
 */
class JupyterActivityTest {

    private static final String ID = "5b0d2e1a-0000-4000-8000-000000000001";
    private static Vertx vertx;
    private static HttpServer server;
    private static final AtomicReference<String> kernels = new AtomicReference<>("[]");
    private static final AtomicReference<String> terminals = new AtomicReference<>("[]");
    private static final AtomicReference<String> seenToken = new AtomicReference<>();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(request -> {
            seenToken.set(request.getHeader("Authorization"));
            String path = request.path();
            if (path.equals("/executions/" + ID + "/api/kernels")) {
                if (kernels.get() == null) {
                    return; // never answers
                }
                request.response().putHeader("Content-Type", "application/json").end(kernels.get());
            } else if (path.equals("/executions/" + ID + "/api/terminals") && terminals.get() != null) {
                request.response().putHeader("Content-Type", "application/json").end(terminals.get());
            } else {
                request.response().setStatusCode(404).end();
            }
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
    }

    @AfterAll
    static void stop() {
        vertx.close();
    }

    private static JupyterActivity.Reading read() {
        WorkspaceEndpoint endpoint = new WorkspaceEndpoint(
                SocketAddress.inetSocketAddress(server.actualPort(), "127.0.0.1"), "the-token");
        return new JupyterActivity(vertx).read(ID, endpoint).await().atMost(Duration.ofSeconds(30));
    }

    @Test
    void aBusyKernelIsUseWhateverItsLastActivity() {
        kernels.set("""
                [{"id":"k1","name":"python3","last_activity":"2026-12-04T08:00:00.123456Z","execution_state":"idle",
                  "connections":1},
                 {"id":"k2","name":"python3","last_activity":"2026-12-04T07:00:00Z","execution_state":"busy",
                  "connections":0}]""");
        terminals.set("[]");
        JupyterActivity.Reading reading = read();
        assertThat(reading.busy()).isTrue();
        assertThat(reading.lastActivity()).contains(Instant.parse("2026-12-04T08:00:00.123456Z"));
        assertThat(seenToken.get()).isEqualTo("token the-token");
    }

    @Test
    void theLatestOfKernelsAndTerminalsCounts() {
        kernels.set("""
                [{"id":"k1","last_activity":"2026-12-04T08:00:00Z","execution_state":"idle"}]""");
        terminals.set("""
                [{"name":"1","last_activity":"2026-12-04T08:05:00Z"},{"name":"2"}]""");
        JupyterActivity.Reading reading = read();
        assertThat(reading.busy()).isFalse();
        assertThat(reading.lastActivity()).contains(Instant.parse("2026-12-04T08:05:00Z"));
    }

    @Test
    void noKernelsAndNoTerminalServiceIsNoActivity() {
        kernels.set("[]");
        terminals.set(null); // 404, as a server without terminals answers
        assertThat(read()).isEqualTo(new JupyterActivity.Reading(false, Optional.empty()));
    }

    @Test
    void anAnswerTooLargeOrNeverGivenIsUnreadable() {
        kernels.set("[" + "{\"execution_state\":\"idle\"},".repeat(20_000) + "{}]");
        assertThatThrownBy(JupyterActivityTest::read).hasMessageContaining("exceeds");
        kernels.set("{\"not\": \"a list\"}");
        assertThatThrownBy(JupyterActivityTest::read).isNotNull();
        kernels.set(null);
        assertThatThrownBy(JupyterActivityTest::read).isInstanceOf(io.smallrye.mutiny.TimeoutException.class);
    }
}
