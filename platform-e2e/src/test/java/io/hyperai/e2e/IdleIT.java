package io.hyperai.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * Issue 18's idle policy on the real local runtime with real Jupyter (the platform runs with a 1 s idle check and a
 * 5 s minimum policy here). A workspace whose kernel runs a long cell is busy: it is neither warned nor closed, far past
 * its policy's times. An idle one is warned once, then closed with reason IDLE, its home saved, and charged exactly to
 * its close; its user is told each once. A script's deadline is announced once, then stops it.
 */
@ExtendWith(E2e.class)
class IdleIT {

    private static final Map<String, Object> POLICY = Map.of("warnAfterSeconds", 6, "stopAfterSeconds", 12);

    private static Api api;
    private static String user;
    private static String gear;

    @BeforeAll
    static void setUp() {
        E2e.assumeLocalRuntime();
        api = Api.get();
        user = api.newUser("idle", 100_000);
        gear = api.gear(user, "idle", "cpu-1c2g", List.of());
    }

    @Test
    void aKernelBusyWithALongCellIsNeverWarnedNorClosed() throws Exception {
        String ws = workspace();
        String url = api.awaitState(user, ws, "RUNNING").getString("workspaceUrl");
        String token = url.substring(url.indexOf("token=") + "token=".length());
        String base = url.substring(0, url.indexOf('?'));
        awaitJupyter(base, token);
        String kernel = given().header("Authorization", "token " + token).contentType(ContentType.JSON)
                .body(Map.of("name", "python3")).post(base + "api/kernels").then().statusCode(201).extract().path("id");
        // a cell that sleeps well past the policy's stop time, sent over the kernel's channels as a notebook does
        CompletableFuture<Void> busy = new CompletableFuture<>();
        String msgId = UUID.randomUUID().toString();
        WebSocket channels = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(base.replace("http://", "ws://") + "api/kernels/" + kernel + "/channels?token="
                        + token), new WebSocket.Listener() {
                            private final StringBuilder text = new StringBuilder();

                            @Override
                            public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                                text.append(data);
                                if (last) {
                                    JsonNode message = read(text.toString());
                                    text.setLength(0);
                                    if ("status".equals(message.path("header").path("msg_type").asText())
                                            && "busy".equals(message.path("content").path("execution_state").asText())
                                            && msgId.equals(message.path("parent_header").path("msg_id").asText())) {
                                        busy.complete(null);
                                    }
                                }
                                socket.request(1);
                                return null;
                            }
                        }).get(60, TimeUnit.SECONDS);
        channels.sendText(executeRequest(msgId, "import time\ntime.sleep(45)\n"), true).get(10, TimeUnit.SECONDS);
        busy.get(60, TimeUnit.SECONDS);
        Instant busySince = Instant.now();

        // nothing else touches the workspace from here: only the busy kernel keeps it open
        Platform.sleep(Duration.ofSeconds(20).toMillis());
        JsonPath after = api.execution(user, ws);
        System.out.printf("e2e idle: a workspace busy with a 45 s cell since %s is %s after 20 s (policy %s)%n",
                busySince, after.getString("state"), POLICY);
        assertThat(after.getString("state")).isEqualTo("RUNNING");
        assertThat(notices(ws)).isEmpty();
        channels.abort();
        api.stop(user, ws);
    }

    @Test
    void anIdleWorkspaceIsWarnedOnceThenClosedSavedAndChargedToItsClose() {
        String ws = workspace();
        String url = api.awaitState(user, ws, "RUNNING").getString("workspaceUrl");
        String token = url.substring(url.indexOf("token=") + "token=".length());
        String base = url.substring(0, url.indexOf('?'));
        awaitJupyter(base, token);
        // something in the home, written through Jupyter, then nothing more
        given().header("Authorization", "token " + token).contentType(ContentType.JSON)
                .body(Map.of("type", "file", "format", "text", "content", "x".repeat(1_000)))
                .put(base + "api/contents/notes.txt").then().statusCode(201);

        JsonPath closed = api.awaitState(user, ws, "STOPPED", "FAILED", "SUCCEEDED");
        assertThat(closed.getString("state")).isEqualTo("STOPPED");
        assertThat(closed.getString("reason")).isEqualTo("IDLE");
        assertThat(closed.getList("history.state")).containsSubsequence("RUNNING", "STOPPED");
        assertThat(api.savedBytes(ws)).isEqualTo(1_000);

        api.awaitSettled(ws);
        assertThat(api.charged(ws)).isEqualTo(Api.expectedCharge(closed));
        await().atMost(Api.WAIT).until(() -> notices(ws).size() >= 2);
        List<String> kinds = notices(ws);
        System.out.printf("e2e idle: an idle workspace ran %d s (policy %s), stopped %s, notices %s%n",
                Api.seconds(closed), POLICY, closed.getString("reason"), kinds);
        assertThat(kinds).containsExactly("EXECUTION_STOPPED", "IDLE_WARNING");
        // and the CLI prints them, oldest first
        Cli cli = Cli.fresh();
        assertThat(cli.run("login", user, "--password", user).exitCode()).isZero();
        Cli.Result printed = cli.run("notifications", "-n", "100");
        assertThat(printed.exitCode()).isZero();
        List<String> lines = printed.out().lines().filter(l -> l.contains(ws)).toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).contains("IDLE_WARNING");
        assertThat(lines.get(1)).contains("EXECUTION_STOPPED");
        // stopped no sooner than its policy allows after its last use, and not long after
        assertThat(Api.seconds(closed)).isBetween(12L, 40L);
    }

    @Test
    void aDeadlineStopsAScriptAfterOneWarning() {
        String run = api.as(user, "execution").contentType(ContentType.JSON)
                .body(Map.of("mode", "script", "entryCommand", "sleep 600", "maxRuntimeSeconds", 8))
                .post("/api/v1/gears/" + gear + "/executions").then().statusCode(201).extract().path("id");
        JsonPath stopped = api.awaitState(user, run, "STOPPED", "FAILED", "SUCCEEDED");
        assertThat(stopped.getString("state")).isEqualTo("STOPPED");
        assertThat(stopped.getString("reason")).isEqualTo("DEADLINE");
        assertThat(Api.seconds(stopped)).isBetween(8L, 30L);
        await().atMost(Api.WAIT).until(() -> notices(run).size() >= 2);
        assertThat(notices(run)).containsExactly("EXECUTION_STOPPED", "DEADLINE_WARNING");
        api.awaitSettled(run);
        assertThat(api.charged(run)).isEqualTo(Api.expectedCharge(stopped));
    }

    private static String workspace() {
        return api.as(user, "execution").contentType(ContentType.JSON)
                .body(Map.of("mode", "jupyter", "idlePolicy", POLICY)).post("/api/v1/gears/" + gear + "/executions")
                .then().statusCode(201).extract().path("id");
    }

    private static void awaitJupyter(String base, String token) {
        await().atMost(Api.WAIT).ignoreExceptions().until(() -> given().header("Authorization", "token " + token)
                .get(base + "api/status").statusCode() == 200);
    }

    /** The kinds of the user's notices about this execution, newest first. */
    private static List<String> notices(String executionId) {
        return api.as(user, "execution").queryParam("size", 100).get("/api/v1/notifications").then().statusCode(200)
                .extract().jsonPath().getList("items.findAll { it.executionId == '" + executionId + "' }.kind");
    }

    private static JsonNode read(String json) {
        try {
            return Cli.JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** An {@code execute_request} on the shell channel, as Jupyter's messaging protocol (5.3) has it. */
    private static String executeRequest(String msgId, String code) {
        ObjectNode message = Cli.JSON.createObjectNode();
        message.putObject("header").put("msg_id", msgId).put("username", "e2e")
                .put("session", UUID.randomUUID().toString()).put("msg_type", "execute_request").put("version", "5.3")
                .put("date", Instant.now().toString());
        message.putObject("parent_header");
        message.putObject("metadata");
        message.putObject("content").put("code", code).put("silent", false).put("store_history", true)
                .put("allow_stdin", false).put("stop_on_error", true).putObject("user_expressions");
        message.put("channel", "shell");
        message.putArray("buffers");
        return message.toString();
    }
}
