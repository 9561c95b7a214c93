package io.hyperai.execution.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.hyperai.execution.runtime.LocalProcessRuntime;
import io.hyperai.execution.runtime.WorkspaceEndpoint;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;

/**
 * A real Jupyter notebook server on a Unix domain socket, started with the local runtime's command (without the
 * sandbox), used through the proxy as a browser and a Jupyter client use it: the page, a new kernel, code run over the
 * kernel's WebSocket.
 */
class JupyterThroughProxyTest {

    private static final Path JUPYTER = Path.of("/usr/bin/jupyter-notebook");
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;
    private ProxyFixture proxy;
    private Process jupyter;
    private final List<ProcessHandle> started = new ArrayList<>();
    private final String id = UUID.randomUUID().toString();
    private final String token = UUID.randomUUID().toString();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Files.isExecutable(JUPYTER), "jupyter-notebook is not installed (apt-get install jupyter-notebook)");
        Path socket = dir.resolve("jupyter.sock");
        Path home = Files.createDirectories(dir.resolve("home"));
        List<String> command = new ArrayList<>(LocalProcessRuntime.jupyterServer(socket.toString(), token,
                "/executions/" + id + "/", home.toString()));
        if ("root".equals(System.getProperty("user.name"))) {
            command.add("--allow-root"); // the sandbox runs it as uid 1000; here it runs as whoever runs the test
        }
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("jupyter.log").toFile());
        builder.environment().putAll(LocalProcessRuntime.JUPYTER_SERVER_ENV);
        builder.environment().put("HOME", home.toString());
        builder.environment().put("JUPYTER_RUNTIME_DIR", dir.resolve("runtime").toString());
        builder.environment().put("JUPYTER_CONFIG_DIR", dir.resolve("config").toString());
        builder.environment().put("IPYTHONDIR", dir.resolve("ipython").toString());
        jupyter = builder.start();
        await().atMost(WAIT).until(() -> Files.exists(socket) || !jupyter.isAlive());
        assertThat(jupyter.isAlive()).as("jupyter started: %s", log()).isTrue();

        proxy = ProxyFixture.start();
        proxy.workspace(id, new WorkspaceEndpoint(SocketAddress.domainSocketAddress(socket.toString()), token));
    }

    @AfterEach
    void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (jupyter != null) {
            started.addAll(jupyter.descendants().toList()); // its kernels
            jupyter.destroy(); // SIGTERM: Jupyter shuts its kernels down
            if (!jupyter.waitFor(30, TimeUnit.SECONDS)) {
                jupyter.destroyForcibly();
            }
            started.forEach(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void aBrowserOpensTheWorkspaceAndRunsCodeInANewKernel() throws Exception {
        String base = "/executions/" + id + "/";

        HttpResponse<String> first = get(base + "tree?token=" + token, Map.of());
        assertThat(first.statusCode()).as(log()).isEqualTo(303);
        String setCookie = first.headers().firstValue("Set-Cookie").orElseThrow();
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        HttpResponse<String> tree = get(first.headers().firstValue("Location").orElseThrow(), Map.of("Cookie", cookie));
        assertThat(tree.statusCode()).as(log()).isEqualTo(200);
        assertThat(tree.body()).contains("<title>Home Page - Select or create a notebook</title>");

        HttpResponse<String> created = http.send(HttpRequest.newBuilder(proxy.uri(base + "api/kernels"))
                .header("Authorization", "token " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"python3\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(log()).isEqualTo(201);
        String kernel = new JsonObject(created.body()).getString("id");

        // as the notebook page opens it: the cookie, and the page's own origin
        TextWebSocket channels = TextWebSocket.open(http,
                proxy.ws(base + "api/kernels/" + kernel + "/channels?session_id=" + UUID.randomUUID()),
                Map.of("Cookie", cookie, "Origin", proxy.origin()));
        String request = UUID.randomUUID().toString();
        // the server's start-up settings are not the user's: its kernels have the documented environment only
        channels.send(executeRequest(request, "import os\n1+1, [k for k in os.environ if k in "
                + LocalProcessRuntime.JUPYTER_SERVER_ENV.keySet().stream().map(k -> "'" + k + "'").toList() + "]")
                .encode());
        Instant deadline = Instant.now().plus(WAIT);
        JsonObject result = null;
        while (result == null && Instant.now().isBefore(deadline)) {
            JsonObject message = new JsonObject(channels.next(WAIT));
            if ("execute_result".equals(message.getJsonObject("header").getString("msg_type"))
                    && request.equals(message.getJsonObject("parent_header").getString("msg_id"))) {
                result = message;
            }
        }
        channels.close();

        assertThat(result).as("an execute_result for our request: %s", log()).isNotNull();
        assertThat(result.getJsonObject("content").getJsonObject("data").getString("text/plain")).isEqualTo("(2, [])");
    }

    /** A Jupyter messaging protocol (5.3) {@code execute_request} on the shell channel, as JSON over the WebSocket. */
    private static JsonObject executeRequest(String messageId, String code) {
        return new JsonObject()
                .put("header", new JsonObject().put("msg_id", messageId).put("msg_type", "execute_request")
                        .put("username", "test").put("session", UUID.randomUUID().toString()).put("version", "5.3")
                        .put("date", Instant.now().toString()))
                .put("parent_header", new JsonObject()).put("metadata", new JsonObject())
                .put("content", new JsonObject().put("code", code).put("silent", false).put("store_history", true)
                        .put("user_expressions", new JsonObject()).put("allow_stdin", false).put("stop_on_error", true))
                .put("channel", "shell").put("buffers", new io.vertx.core.json.JsonArray());
    }

    private HttpResponse<String> get(String pathAndQuery, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(proxy.uri(pathAndQuery)).timeout(WAIT);
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("jupyter.log"));
        } catch (java.io.IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
