package io.hyperai.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.restassured.path.json.JsonPath;

/**
 * {@code hyperai login --device} against the platform's Keycloak and realm: the CLI asks for a code and polls while a
 * browser (an HTTP client with cookies, filling in Keycloak's own pages) signs in as the user and grants the access;
 * then the kept refresh token is used for real.
 */
@ExtendWith(E2e.class)
class CliDeviceLoginIT {

    private static final Duration LOGIN = Duration.ofSeconds(90);
    private static final Pattern OPEN = Pattern.compile("To sign in, open (\\S+) in a browser and confirm the code (\\S+)");

    private static String issuer;
    private static String user;
    private static String userId;

    @BeforeAll
    static void setUp() {
        issuer = E2e.platform().keycloak() + "/realms/" + KeycloakCredentials.REALM;
        user = "cli-device-" + UUID.randomUUID().toString().substring(0, 8);
        userId = E2e.credentials().newUser(user);
    }

    /** Waits for the CLI to say where to sign in, and returns that address. */
    private static String verificationUrl(Cli.Running login) {
        Matcher[] found = new Matcher[1];
        await().atMost(Duration.ofSeconds(60)).until(() -> (found[0] = OPEN.matcher(login.err())).find());
        assertThat(found[0].group(1)).startsWith(issuer + "/device").endsWith("user_code=" + found[0].group(2));
        return found[0].group(1);
    }

    /** Keycloak's login form, then its grant page; {@code accept} clicks Yes, else No. */
    private static Browser.Page signIn(String url, String name, boolean accept) throws Exception {
        Browser browser = new Browser();
        Browser.Page login = browser.open(url);
        Browser.Page grant = browser.submit(login.form("kc-form-login"), Map.of("username", name, "password", name));
        return browser.submit(grant.form("login-actions/consent"), Map.of(accept ? "accept" : "cancel", accept ? "Yes" : "No"));
    }

    @Test
    void signingInInTheBrowserLogsTheCliInAndItsRefreshTokenWorks() throws Exception {
        Cli cli = Cli.fresh();
        long t0 = System.nanoTime();
        Cli.Running login = cli.start("login", "--device");
        Browser.Page done = signIn(verificationUrl(login), user, true);
        assertThat(done.html()).contains("Device Login Successful");
        Cli.Result r = login.await(LOGIN);
        System.out.printf("e2e cli: device login confirmed in the browser, CLI logged in after %d ms%n",
                (System.nanoTime() - t0) / 1_000_000);
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("logged in as " + user + "; token valid for ").endsWith(", refreshed automatically\n");

        ObjectNode credentials = cli.credentials();
        JsonPath claims = KeycloakCredentials.claims(credentials.path("accessToken").asText());
        assertThat(claims.getString("iss")).isEqualTo(issuer);
        assertThat(claims.getString("azp")).isEqualTo("hyperai-cli");
        assertThat(claims.getList("aud", String.class)).contains("hyperai-api");
        assertThat(claims.getString("sub")).isEqualTo(userId);
        assertThat(cli.run("whoami").out()).startsWith(user + " (subject " + userId + ", roles ").contains("user");
        // the token is the platform's: a service answers with the user's own figures
        assertThat(cli.run("storage").exitCode()).isZero();

        // the access token has expired as far as the CLI knows: the next command refreshes it at Keycloak
        cli.writeCredentials(credentials.deepCopy().put("expiresAt", Instant.now().getEpochSecond() - 1));
        assertThat(cli.run("whoami").exitCode()).isZero();
        ObjectNode refreshed = cli.credentials();
        assertThat(refreshed.path("accessToken").asText()).isNotEqualTo(credentials.path("accessToken").asText());
        assertThat(refreshed.path("expiresAt").asLong()).isGreaterThan(Instant.now().getEpochSecond() + 60);
        assertThat(KeycloakCredentials.claims(refreshed.path("accessToken").asText()).getString("sid"))
                .isEqualTo(claims.getString("sid"));
    }

    @Test
    void refusingInTheBrowserFailsTheLoginInOneLine() throws Exception {
        Cli cli = Cli.fresh();
        Cli.Running login = cli.start("login", "--device");
        Browser.Page refused = signIn(verificationUrl(login), user, false);
        assertThat(refused.status()).isLessThan(500);
        Cli.Result r = login.await(LOGIN);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).endsWith("error: device login failed: the sign-in was refused at the auth server\n");
        assertThat(r.out()).isEmpty();
        assertThat(cli.run("whoami").err()).isEqualTo("error: not logged in: run `hyperai login`\n");
    }
}
