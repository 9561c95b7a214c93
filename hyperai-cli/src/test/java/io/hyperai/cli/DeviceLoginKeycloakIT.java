package io.hyperai.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.hyperai.test.PackagedServices;

/**
 * {@code hyperai login --device} against the Keycloak and realm of {@code ./platform up}: the CLI
 * asks for a code and polls while a browser (an HTTP client with cookies, filling in Keycloak's own
 * pages) signs in as the user and grants the access; then the kept refresh token is used for real.
 */
class DeviceLoginKeycloakIT {

    private static final Duration LOGIN = Duration.ofSeconds(90);
    private static final Pattern OPEN = Pattern.compile("To sign in, open (\\S+) in a browser and confirm the code (\\S+)");

    @TempDir
    static Path config;
    private static KeycloakServer keycloak;
    private static CliRunner cli;

    @BeforeAll
    static void start() throws Exception {
        Path tarball = Path.of(System.getProperty("keycloak.dist", "keycloak.dist is not set (failsafe sets it)"));
        long t0 = System.nanoTime();
        keycloak = KeycloakServer.start(tarball, PackagedServices.root().resolve("deploy/keycloak/hyperai-realm.json"),
                PackagedServices.root().resolve("hyperai-cli/target/keycloak"), Duration.ofMinutes(5));
        System.out.printf("keycloak: %s (unpacked, realm imported) ready in %d ms%n", tarball.getFileName(),
                (System.nanoTime() - t0) / 1_000_000);
        cli = new CliRunner(Map.of("HYPERAI_CONFIG_DIR", config.toString(), "HYPERAI_AUTH_URL", keycloak.baseUrl()));
    }

    @AfterAll
    static void stop() {
        if (keycloak != null) {
            keycloak.close();
        }
    }

    /** Waits for the CLI to say where to sign in, and returns that address. */
    private static String verificationUrl(CliRunner.Running login) {
        Matcher[] found = new Matcher[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> (found[0] = OPEN.matcher(login.err())).find());
        assertThat(found[0].group(1)).startsWith(keycloak.issuer() + "/device").endsWith("user_code=" + found[0].group(2));
        return found[0].group(1);
    }

    /** Keycloak's login form, then its grant page; {@code accept} clicks Yes, else No. */
    private static Browser.Page signIn(String url, String user, boolean accept) throws Exception {
        Browser browser = new Browser();
        Browser.Page login = browser.open(url);
        Browser.Page grant = browser.submit(login.form("kc-form-login"), Map.of("username", user, "password", user));
        return browser.submit(grant.form("login-actions/consent"), Map.of(accept ? "accept" : "cancel", accept ? "Yes" : "No"));
    }

    @Test
    void signingInInTheBrowserLogsTheCliInAndItsRefreshTokenWorks() throws Exception {
        long t0 = System.nanoTime();
        CliRunner.Running login = cli.start("login", "--device");
        Browser.Page done = signIn(verificationUrl(login), "alice", true);
        assertThat(done.html()).contains("Device Login Successful");
        CliRunner.Result r = login.await(LOGIN);
        System.out.printf("keycloak: device login confirmed in the browser, CLI logged in after %d ms%n",
                (System.nanoTime() - t0) / 1_000_000);
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("logged in as alice; token valid for ").endsWith(", refreshed automatically\n");

        Credentials credentials = Credentials.read(config.resolve("credentials.json"));
        JsonNode claims = AuthCommands.claims(credentials.accessToken());
        assertThat(claims.path("iss").asText()).isEqualTo(keycloak.issuer());
        assertThat(claims.path("azp").asText()).isEqualTo("hyperai-cli");
        assertThat(claims.path("aud").toString()).contains("hyperai-api");
        assertThat(cli.run("whoami").out()).startsWith("alice (subject " + claims.path("sub").asText() + ", roles ")
                .contains("user");

        // the access token has expired as far as the CLI knows: the next command refreshes it at Keycloak
        new Credentials(credentials.username(), credentials.accessToken(), Instant.now().getEpochSecond() - 1,
                credentials.refreshToken(), credentials.refreshExpiresAt(), credentials.tokenEndpoint(),
                credentials.clientId()).write(config.resolve("credentials.json"));
        CliRunner.Result whoami = cli.run("whoami");
        assertThat(whoami.exitCode()).isZero();
        Credentials refreshed = Credentials.read(config.resolve("credentials.json"));
        assertThat(refreshed.accessToken()).isNotEqualTo(credentials.accessToken());
        assertThat(refreshed.expiresAt()).isGreaterThan(Instant.now().getEpochSecond() + 60);
        assertThat(AuthCommands.claims(refreshed.accessToken()).path("sid").asText()).isEqualTo(claims.path("sid").asText());
    }

    @Test
    void refusingInTheBrowserFailsTheLoginInOneLine() throws Exception {
        CliRunner.Running login = cli.start("login", "--device");
        Browser.Page refused = signIn(verificationUrl(login), "bob", false);
        assertThat(refused.status()).isLessThan(500);
        CliRunner.Result r = login.await(LOGIN);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).endsWith("error: device login failed: the sign-in was refused at the auth server\n");
        assertThat(r.out()).isEmpty();
    }
}
