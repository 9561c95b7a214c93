package io.hyperai.execution.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.hyperai.execution.runtime.WorkspaceEndpoint;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;

/**
 * The workspace proxy between a real HTTP client and a workspace listening on a real Unix domain socket: who gets in,
 * what reaches the workspace, and what the user sees when it fails.
 */
class WorkspaceProxyTest {

    private static final String TOKEN = "t0k3n-" + UUID.randomUUID();

    @TempDir
    Path dir;
    private ProxyFixture proxy;
    private EchoWorkspace workspace;
    private String id;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeEach
    void start() {
        proxy = ProxyFixture.start();
        workspace = new EchoWorkspace(dir.resolve("jupyter.sock"));
        id = UUID.randomUUID().toString();
        proxy.workspace(id, endpoint("jupyter.sock", TOKEN));
    }

    @AfterEach
    void stop() {
        workspace.close();
        proxy.close();
    }

    @Test
    void theServiceRunsOnTheNativeTransport() {
        assertThat(proxy.vertx.isNativeTransportEnabled()).as("epoll, which Unix domain sockets need").isTrue();
    }

    @Test
    void aTokenInTheQueryIsTradedForACookieAndLeavesTheAddress() throws Exception {
        HttpResponse<String> first = send("GET", base() + "tree?a=1&token=" + TOKEN + "&b=x%20y", null);

        assertThat(first.statusCode()).isEqualTo(303);
        assertThat(first.headers().firstValue("Location")).hasValue(base() + "tree?a=1&b=x%20y");
        assertThat(first.headers().firstValue("Cache-Control")).hasValue("no-store");
        String cookie = first.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).startsWith(WorkspaceCookie.NAME + "=").doesNotContain(TOKEN)
                .contains("; Path=" + base(), "; HttpOnly", "; SameSite=Lax").doesNotContain("Secure");
        assertThat(workspace.received).as("nothing reached the workspace").isEmpty();

        HttpResponse<String> behindTls = send("GET", base() + "?token=" + TOKEN, null, "X-Forwarded-Proto", "https");
        assertThat(behindTls.headers().firstValue("Location")).hasValue(base());
        assertThat(behindTls.headers().firstValue("Set-Cookie").orElseThrow()).endsWith("; Secure");
        assertThat(proxy.count("redirected")).isEqualTo(2);
    }

    @Test
    void theCookieLetsTheUserInAndStaysWithTheProxy() throws Exception {
        String cookie = cookieFromFirstVisit();

        HttpResponse<String> page = send("GET", base() + "tree?x=1", null,
                "Cookie", "_xsrf=2|abc; " + cookie + "; theme=dark");

        assertThat(page.statusCode()).isEqualTo(200);
        EchoWorkspace.Received upstream = workspace.received.get(0);
        assertThat(upstream.uri()).isEqualTo(base() + "tree?x=1");
        assertThat(upstream.headers().get("Authorization")).isEqualTo("token " + TOKEN);
        assertThat(upstream.headers().get("Cookie")).as("Jupyter's own cookies stay")
                .isEqualTo("_xsrf=2|abc; theme=dark");
        assertThat(upstream.headers().get("Host")).isEqualTo("localhost");
        assertThat(proxy.count("proxied")).isEqualTo(1);
    }

    @Test
    void jupyterClientsUseTheAuthorizationHeader() throws Exception {
        HttpResponse<String> contents = send("GET", base() + "api/contents", null, "Authorization", "token " + TOKEN);

        assertThat(contents.statusCode()).isEqualTo(200);
        assertThat(workspace.received.get(0).headers().getAll("Authorization")).containsExactly("token " + TOKEN);
    }

    @Test
    void everyRefusalIsTheSame404ProblemAndReachesNothing() throws Exception {
        String other = UUID.randomUUID().toString();
        proxy.workspace(other, endpoint("jupyter.sock", "the other workspace's token"));
        String otherCookie = WorkspaceCookie.NAME + "=" + WorkspaceCookie.value(other, "the other workspace's token");
        String script = UUID.randomUUID().toString(); // the runtime has no endpoint for a script

        List<HttpResponse<String>> refusals = new ArrayList<>();
        refusals.add(send("GET", base() + "tree", null));
        refusals.add(send("GET", base() + "tree?token=wrong", null));
        refusals.add(send("GET", base() + "tree?token=" + TOKEN + "&token=wrong", null));
        refusals.add(send("GET", base() + "tree?token=", null));
        refusals.add(send("GET", base() + "api/contents", null, "Authorization", "token wrong"));
        refusals.add(send("GET", base() + "api/contents", null, "Authorization", "Bearer " + TOKEN));
        refusals.add(send("GET", base() + "tree", null, "Cookie", WorkspaceCookie.NAME + "=" + TOKEN));
        refusals.add(send("GET", base() + "tree", null, "Cookie", otherCookie));
        refusals.add(send("POST", base() + "api/kernels", "{}", "Authorization", "token the other workspace's token"));
        refusals.add(send("GET", "/executions/" + UUID.randomUUID() + "/tree?token=" + TOKEN, null));
        refusals.add(send("GET", "/executions/" + script + "/tree", null, "Authorization", "token " + TOKEN));
        proxy.ended(id);
        refusals.add(send("GET", base() + "tree", null, "Authorization", "token " + TOKEN));

        for (HttpResponse<String> refusal : refusals) {
            assertThat(refusal.statusCode()).as(refusal.request().uri().toString()).isEqualTo(404);
            assertThat(refusal.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            JsonObject problem = new JsonObject(refusal.body());
            assertThat(problem.getString("type")).isEqualTo("urn:hyperai:problem:not-found");
            assertThat(problem.getInteger("status")).isEqualTo(404);
        }
        assertThat(refusals.get(0).body()).as("a wrong token and an ended workspace read the same")
                .isEqualTo(refusals.get(refusals.size() - 1).body());
        assertThat(workspace.received).isEmpty();
        assertThat(proxy.count("refused")).isEqualTo(refusals.size());
    }

    @Test
    void requestBodiesReachTheWorkspaceWhole() throws Exception {
        byte[] body = new byte[3 * 1024 * 1024];
        new SecureRandom().nextBytes(body);
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(proxy.uri(base() + "api/contents/big.bin"))
                .header("Authorization", "token " + TOKEN).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(created.statusCode()).isEqualTo(200);
        JsonObject echo = new JsonObject(created.body());
        assertThat(echo.getString("method")).isEqualTo("POST");
        assertThat(echo.getInteger("length")).isEqualTo(body.length);
        assertThat(echo.getString("sha256")).isEqualTo(EchoWorkspace.sha256(body));
        for (String method : List.of("PUT", "PATCH", "DELETE")) {
            HttpResponse<String> r = send(method, base() + "api/contents/a.txt", "{\"a\":1}", "Authorization",
                    "token " + TOKEN);
            assertThat(new JsonObject(r.body()).getString("method")).isEqualTo(method);
            assertThat(new JsonObject(r.body()).getInteger("length")).isEqualTo(7);
        }
    }

    @Test
    void aWebSocketIsRelayedWithTheCookieOrTheToken() throws Exception {
        String cookie = cookieFromFirstVisit();

        TextWebSocket browser = TextWebSocket.open(http, proxy.ws(base() + "api/kernels/k1/channels?session_id=s1"),
                Map.of("Cookie", "_xsrf=1; " + cookie, "Origin", proxy.origin()));
        assertThat(browser.roundTrip("{\"msg\":\"hello\"}")).isEqualTo("{\"msg\":\"hello\"}");
        browser.close();

        TextWebSocket script = TextWebSocket.open(http,
                proxy.ws(base() + "api/kernels/k1/channels?token=" + TOKEN + "&session_id=s2"), Map.of());
        assertThat(script.roundTrip("again")).isEqualTo("again");
        script.close();

        EchoWorkspace.Received first = workspace.received.get(0);
        assertThat(first.method()).isEqualTo("WEBSOCKET");
        assertThat(first.uri()).isEqualTo(base() + "api/kernels/k1/channels?session_id=s1");
        assertThat(first.headers().get("Authorization")).isEqualTo("token " + TOKEN);
        assertThat(first.headers().get("Cookie")).isEqualTo("_xsrf=1");
        assertThat(workspace.received.get(1).uri()).as("the token stays with the proxy")
                .isEqualTo(base() + "api/kernels/k1/channels?session_id=s2");
        assertThat(proxy.count("websocket")).isEqualTo(2);
    }

    @Test
    void anotherOriginCannotUseTheCookie() throws Exception {
        String cookie = cookieFromFirstVisit();

        HttpResponse<String> forged = send("POST", base() + "api/kernels", "{}", "Cookie", cookie, "Origin",
                "http://evil.example");
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(new JsonObject(forged.body()).getString("type")).isEqualTo("urn:hyperai:problem:cross-origin");
        assertThat(TextWebSocket.handshakeStatus(http, proxy.ws(base() + "api/kernels/k1/channels"),
                Map.of("Cookie", cookie, "Origin", "http://evil.example"))).isEqualTo(403);
        assertThat(workspace.received).isEmpty();

        HttpResponse<String> own = send("POST", base() + "api/kernels", "{}", "Cookie", cookie, "Origin",
                proxy.origin());
        assertThat(own.statusCode()).isEqualTo(200);
    }

    @Test
    void aWorkspaceThatIsNotListeningIsA503Problem() throws Exception {
        proxy.workspace(id, endpoint("not-there.sock", TOKEN));

        HttpResponse<String> page = send("GET", base() + "tree", null, "Authorization", "token " + TOKEN);

        assertThat(page.statusCode()).isEqualTo(503);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(page.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(new JsonObject(page.body()).getString("detail")).doesNotContain("not-there");
        assertThat(TextWebSocket.handshakeStatus(http, proxy.ws(base() + "api/kernels/k1/channels?token=" + TOKEN),
                Map.of())).isEqualTo(503);
        assertThat(proxy.count("upstream-failed")).isEqualTo(2);
    }

    @Test
    void aWorkspaceThatDropsTheRequestIsA502Problem() throws Exception {
        HttpResponse<String> dropped = send("GET", base() + "drop", null, "Authorization", "token " + TOKEN);

        assertThat(dropped.statusCode()).isEqualTo(502);
        assertThat(new JsonObject(dropped.body()).getString("type")).isEqualTo("urn:hyperai:problem:bad-gateway");
    }

    @Test
    void withoutTheNativeTransportWorkspacesAreUnreachableAndSaySo() throws Exception {
        try (ProxyFixture plain = ProxyFixture.withoutNativeTransport()) {
            plain.workspace(id, endpoint("jupyter.sock", TOKEN));
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(plain.uri(base() + "tree"))
                    .header("Authorization", "token " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(page.statusCode()).isEqualTo(503);
            assertThat(new JsonObject(page.body()).getString("type"))
                    .isEqualTo("urn:hyperai:problem:workspaces-unreachable");
        }
    }

    private String base() {
        return "/executions/" + id + "/";
    }

    private WorkspaceEndpoint endpoint(String socket, String token) {
        return new WorkspaceEndpoint(SocketAddress.domainSocketAddress(dir.resolve(socket).toString()), token);
    }

    private String cookieFromFirstVisit() throws Exception {
        String setCookie = send("GET", base() + "?token=" + TOKEN, null).headers().firstValue("Set-Cookie")
                .orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    private HttpResponse<String> send(String method, String pathAndQuery, String body, String... headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(proxy.uri(pathAndQuery)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
