package io.hyperai.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The device-code flow's polling rules (RFC 8628) against a stub provider; Keycloak's is platform-e2e's {@code CliDeviceLoginIT}. */
class DeviceLoginTest {

    @TempDir
    Path dir;
    private TokenStub stub;
    private final List<Duration> waits = new ArrayList<>();
    private final List<String> shown = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        stub = new TokenStub();
    }

    @AfterEach
    void stop() {
        stub.close();
    }

    private Credentials login() {
        TokenClient tokens = new TokenClient(HttpClient.newHttpClient(), Clock.systemUTC());
        return new DeviceLogin(tokens, waits::add, Clock.systemUTC()).login(stub.authUrl() + "/realms/hyperai",
                "hyperai-cli", shown::add);
    }

    @Test
    void pollsAtTheProvidersIntervalSlowsDownWhenToldAndKeepsTheTokens() {
        stub.deviceInterval = 5;
        stub.deviceAnswers.addAll(List.of("authorization_pending", "slow_down", "authorization_pending", "ok"));
        Credentials c = login();
        assertThat(c.username()).isEqualTo("alice");
        assertThat(c.hasRefreshToken()).isTrue();
        assertThat(c.tokenEndpoint()).isEqualTo(stub.endpoint());
        assertThat(waits).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(10),
                Duration.ofSeconds(10));
        assertThat(shown.get(0)).isEqualTo("To sign in, open " + stub.authUrl()
                + "/realms/hyperai/device?user_code=ABCD-EFGH in a browser and confirm the code ABCD-EFGH");
        assertThat(stub.grants.get(0)).containsEntry("client_id", "hyperai-cli").containsEntry("scope", "openid");
        assertThat(stub.grants.get(1)).containsEntry("grant_type", DeviceLogin.GRANT).containsEntry("device_code", "dev-1");
    }

    @Test
    void aRefusalOrAnExpiredCodeEndsItWithOneLine() {
        stub.deviceAnswers.addAll(List.of("authorization_pending", "access_denied"));
        assertThatThrownBy(this::login).isInstanceOf(CliException.class)
                .hasMessage("device login failed: the sign-in was refused at the auth server");
        stub.deviceAnswers.add("expired_token");
        assertThatThrownBy(this::login).isInstanceOf(CliException.class)
                .hasMessage("device login failed: the code expired before it was confirmed; run `hyperai login --device` again");
        stub.deviceAnswers.add("invalid_client");
        assertThatThrownBy(this::login).isInstanceOf(CliException.class)
                .hasMessage("device login failed: the auth server answered 400 invalid_client");
    }

    @Test
    void aProviderOrClientWithoutTheFlowSaysSo() {
        stub.deviceClientAllowed = false;
        assertThatThrownBy(this::login).isInstanceOf(CliException.class)
                .hasMessage("device login failed: the client hyperai-cli may not use the device-code flow at this auth server");
        stub.deviceFlow = false;
        assertThatThrownBy(this::login).isInstanceOf(CliException.class).hasMessage("the auth server at "
                + stub.authUrl() + "/realms/hyperai does not offer the device-code flow; use `hyperai login USER`");
    }

    @Test
    void theCommandPrintsWhereToSignInAndSavesTheTokens() throws Exception {
        stub.deviceAnswers.addAll(List.of("authorization_pending", "ok"));
        Files.writeString(dir.resolve("config.json"), "{\"authUrl\":\"" + stub.authUrl() + "\"}");
        CliRunner cli = new CliRunner(Map.of("HYPERAI_CONFIG_DIR", dir.toString()));
        CliRunner.Result r = cli.run("login", "--device");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("logged in as alice; token valid for ");
        assertThat(r.err()).contains("/realms/hyperai/device?user_code=ABCD-EFGH", "confirm the code ABCD-EFGH",
                "waiting for you to sign in there (the code expires in 10m 00s)");
        assertThat(Credentials.read(dir.resolve("credentials.json")).username()).isEqualTo("alice");
        assertThat(cli.run("whoami").out()).startsWith("alice (subject alice-id, roles user)");
        assertThat(cli.run("login", "alice", "--device").exitCode()).isEqualTo(2);
    }
}
