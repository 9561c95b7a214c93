package io.hyperai.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/** The main entry's exit codes and one-line errors, with a stub token endpoint and no services. */
class MainTest {

    @TempDir
    Path dir;
    private TokenStub stub;
    private final Map<String, String> env = new HashMap<>();
    private CliRunner cli;

    @BeforeEach
    void start() throws Exception {
        stub = new TokenStub();
        // every service on a port where nothing listens
        Files.writeString(dir.resolve("config.json"), "{\"authUrl\":\"" + stub.authUrl() + "\","
                + "\"gearUrl\":\"http://localhost:1\",\"storageUrl\":\"http://localhost:1\"}");
        env.put("HYPERAI_CONFIG_DIR", dir.toString());
        cli = new CliRunner(env);
    }

    @AfterEach
    void stop() {
        stub.close();
    }

    @Test
    void helpAndVersionSucceed() {
        CliRunner.Result help = cli.run("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("Usage: hyperai", "login", "gear", "data", "run", "jupyter", "bill");
        assertThat(cli.run("--version").out()).contains("hyperai");
        assertThat(cli.run("gear", "create", "--help").exitCode()).isZero();
    }

    @Test
    void usageErrorsExitWith2() {
        CliRunner.Result none = cli.run();
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("a command is required", "Usage: hyperai");
        assertThat(cli.run("frobnicate").exitCode()).isEqualTo(2);
        assertThat(cli.run("gear").exitCode()).isEqualTo(2);
        CliRunner.Result missing = cli.run("gear", "create", "g1", "--image", "x");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("--spec");
        assertThat(cli.run("logs").exitCode()).isEqualTo(2);
        assertThat(cli.run("specs", "--bogus").exitCode()).isEqualTo(2);
        assertThat(cli.run("data", "download", "ds", "--version", "x").exitCode()).isEqualTo(2);
        CliRunner.Result bind = cli.run("gear", "create", "g1", "-s", "a", "-i", "b", "--bind", "nonsense");
        assertThat(bind.exitCode()).isEqualTo(2);
        assertThat(bind.err()).startsWith("error: --bind must be MOUNT=KIND:ID[:VERSION]");
    }

    @Test
    void notLoggedInIsAFailureWithOneClearLine() {
        CliRunner.Result r = cli.run("specs");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("error: not logged in: run `hyperai login`\n");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void loginWritesPrivateCredentialsAndWhoamiReadsThem() throws Exception {
        CliRunner.Result login = cli.run("login", "alice", "--password", "alice");
        assertThat(login.exitCode()).isZero();
        // expires_in is 300 s; a second may tick between receiving the token and printing this line
        assertThat(login.out()).containsPattern("^logged in as alice; token valid for (5m 00s|4m 59s)");
        Path file = dir.resolve("credentials.json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");

        CliRunner.Result whoami = cli.run("whoami");
        assertThat(whoami.exitCode()).isZero();
        assertThat(whoami.out()).startsWith("alice (subject alice-id, roles user)");

        JsonNode me = Json.MAPPER.readTree(cli.run("whoami", "--json").out());
        assertThat(me.path("username").asText()).isEqualTo("alice");
        assertThat(me.path("roles").get(0).asText()).isEqualTo("user");

        assertThat(cli.run("logout").out()).isEqualTo("logged out\n");
        assertThat(Files.exists(file)).isFalse();
        assertThat(cli.run("whoami").exitCode()).isEqualTo(1);
    }

    @Test
    void thePasswordMayComeFromTheEnvironment() {
        env.put("HYPERAI_PASSWORD", "alice");
        assertThat(cli.run("login", "--username", "alice").exitCode()).isZero();
        assertThat(stub.grants.get(0)).containsEntry("password", "alice");
    }

    @Test
    void noPasswordAndNoTerminalIsAUsageError() {
        CliRunner.Result r = cli.run("login", "alice");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: a password is required");
    }

    @Test
    void aWrongPasswordFails() {
        CliRunner.Result r = cli.run("login", "alice", "-p", "wrong");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("error: login failed: wrong user name or password\n");
        assertThat(Files.exists(dir.resolve("credentials.json"))).isFalse();
    }

    @Test
    void anUnreachableServiceIsOneLine() {
        cli.run("login", "alice", "-p", "alice");
        CliRunner.Result r = cli.run("specs");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).isEqualTo(
                "error: cannot reach gear-service at http://localhost:1 (is the platform running? `./platform up`)\n");
    }

    @Test
    void environmentOverridesTheConfigFile() {
        env.put("HYPERAI_GEAR_URL", "http://gear.example:9/");
        Config config = Config.load(env);
        assertThat(config.url("gear")).isEqualTo("http://gear.example:9");
        assertThat(config.url("storage")).isEqualTo("http://localhost:1");
        assertThat(config.url("billing")).isEqualTo("http://localhost:8105");
        assertThat(config.tokenEndpoint()).isEqualTo(stub.endpoint());
        env.put("HYPERAI_AUTH_URL", "https://sso.example/realms/other");
        assertThat(Config.load(env).tokenEndpoint()).isEqualTo("https://sso.example/realms/other/protocol/openid-connect/token");
    }

    @Test
    void theExecutionsExitCodeBecomesTheCommands() throws Exception {
        assertThat(ExecutionCommands.exitCode(Json.MAPPER.readTree("{\"state\":\"SUCCEEDED\",\"exitCode\":0}"))).isZero();
        assertThat(ExecutionCommands.exitCode(Json.MAPPER.readTree("{\"state\":\"FAILED\",\"exitCode\":3}"))).isEqualTo(3);
        assertThat(ExecutionCommands.exitCode(Json.MAPPER.readTree("{\"state\":\"STOPPED\"}"))).isEqualTo(1);
        assertThat(ExecutionCommands.exitCode(Json.MAPPER.readTree("{\"state\":\"SUCCEEDED\"}"))).isZero();
        assertThat(ExecutionCommands.Ps.cost(360, 10)).isEqualTo(1);
        assertThat(ExecutionCommands.Ps.cost(3600, 3600)).isEqualTo(3600);
    }
}
