package io.hyperai.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.restassured.path.json.JsonPath;

/**
 * Hostile code against the running platform (local runtime, as {@code ./platform up} runs it): the attacks that need
 * the platform's ports, its workspaces and its log endpoint. Each asserts the attack fails and the platform is
 * unharmed; a bystander's script runs through all of them. The sandbox's own defences (environment, /etc, ptrace,
 * mount, fork bomb, tmpfs, kill) are attacked one by one in execution-service's {@code SandboxEscapeTest}.
 */
@ExtendWith(E2e.class)
class EscapeIT {

    private static final String CHEAP = "cpu-1c2g";

    private static Api api;
    private static String mallory;
    private static String gear;
    private static String bystander;

    @BeforeAll
    static void setUp() {
        E2e.assumeLocalRuntime();
        api = Api.get();
        mallory = api.newUser("mallory", 1_000_000);
        gear = api.gear(mallory, "attacks", CHEAP, List.of());
        String victim = api.newUser("victim", 1_000_000);
        bystander = api.script(victim, api.gear(victim, "bystander", CHEAP, List.of()), "sleep 600");
        bystanderOwner = victim;
        api.awaitState(victim, bystander, "RUNNING");
    }

    private static String bystanderOwner;

    @AfterAll
    static void bystanderWasUnharmed() {
        if (api == null) {
            return;
        }
        assertThat(api.state(bystanderOwner, bystander)).as("a script that ran through every attack").isEqualTo("RUNNING");
        api.stop(bystanderOwner, bystander);
    }

    private static String attack(String command) {
        String id = api.script(mallory, gear, command);
        JsonPath end = api.awaitState(mallory, id, "SUCCEEDED", "FAILED");
        System.out.printf("e2e escape: %s ended %s (%s)%n", id, end.getString("state"), end.getString("reason"));
        return id;
    }

    @Test
    void noPlatformPortOnTheLoopbackIsReachable() {
        StringBuilder probe = new StringBuilder("import socket\nfor port in [");
        for (String component : Platform.COMPONENTS) {
            probe.append(E2e.platform().port(component)).append(',');
        }
        probe.append("]:\n try:\n  socket.create_connection(('127.0.0.1', port), timeout=2); print('open', port)\n"
                + " except OSError as e: print('blocked', port)\n");
        String id = attack("python3 -c \"" + probe + "\"");
        String out = api.logs(mallory, id);
        assertThat(out).doesNotContain("open ");
        assertThat(out.lines().filter(l -> l.startsWith("blocked"))).hasSize(Platform.COMPONENTS.size());
    }

    @Test
    void theServicesEnvironmentIsNotVisible() {
        String out = api.logs(mallory, attack("env; cat /proc/1/environ | tr '\\0' '\\n'"));
        assertThat(out).contains("HYPERAI_EXECUTION_ID=").doesNotContain("QUARKUS_").doesNotContain("KAFKA_")
                .doesNotContain("HYPERAI_DATA_DIR").doesNotContain("_SECRET").doesNotContain("PASSWORD");
    }

    @Test
    void anotherUsersWorkspaceIsNotReachable() {
        String alice = api.newUser("ws-owner", 1_000_000);
        String ws = api.workspace(alice, api.gear(alice, "owned workspace", CHEAP, List.of()));
        String url = api.awaitState(alice, ws, "RUNNING").getString("workspaceUrl");
        String bare = url.substring(0, url.indexOf('?'));
        String token = url.substring(url.indexOf("token=") + "token=".length());
        org.awaitility.Awaitility.await().atMost(Api.WAIT).until(() -> given().header("Authorization", "token " + token)
                .get(bare + "api/status").statusCode() == 200);
        // mallory without the token, with her own bearer token, with a guessed token: the workspace does not exist
        assertThat(given().redirects().follow(false).get(bare + "api/contents").statusCode()).isEqualTo(404);
        assertThat(api.as(mallory, "execution").redirects().follow(false).get(bare + "api/contents").statusCode())
                .isEqualTo(404);
        assertThat(given().redirects().follow(false).get(bare + "api/contents?token=guess").statusCode())
                .isEqualTo(404);
        // nor is its Jupyter socket from inside her sandbox: the host's socket directories and the platform's data
        // are not in her file system, and her own /run/hyperai exists only in workspaces
        String executions = E2e.platform().data().resolve("executions").toString();
        String out = api.logs(mallory, attack("ls -d /tmp/hyperai-sockets-*; echo tmp=$?; ls " + executions
                + "; echo data=$?; ls /run/hyperai; echo run=$?"));
        assertThat(out).contains("tmp=2").contains("data=2").contains("run=2");
        api.stop(alice, ws);
    }

    @Test
    void aGibibyteOfOutputIsCappedAndTheServiceKeepsServing() {
        long pid = E2e.platform().pid("execution");
        String id = attack("head -c 1073741824 /dev/zero | tr '\\0' x; echo; echo printed");
        byte[] log = api.as(mallory, "execution").accept("text/plain").get("/api/v1/executions/" + id + "/logs")
                .then().statusCode(200).extract().asByteArray();
        assertThat(log.length).as("the output cap, 64 MiB by default, and the kept tail").isLessThan(65 * 1024 * 1024);
        assertThat(new String(log, log.length - 200, 200, java.nio.charset.StandardCharsets.UTF_8))
                .contains("output truncated");
        assertThat(E2e.platform().pid("execution")).as("execution-service was not restarted").isEqualTo(pid);
        assertThat(api.state(mallory, id)).isEqualTo("SUCCEEDED");
    }

    @Test
    void binaryOutputIsServedAsWritten() {
        String id = attack("printf 'a\\377\\376\\000b'");
        byte[] log = api.as(mallory, "execution").accept("text/plain").get("/api/v1/executions/" + id + "/logs")
                .then().statusCode(200).extract().asByteArray();
        assertThat(log).containsExactly('a', 0xff, 0xfe, 0, 'b');
    }
}
