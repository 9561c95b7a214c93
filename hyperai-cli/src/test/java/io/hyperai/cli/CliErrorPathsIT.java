package io.hyperai.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.hyperai.test.SharedInfrastructure;

/**
 * What bob sees when things go wrong, each as one line on stderr with its exit code: an expired
 * token (refreshed, or, when it cannot be, a request to log in), a quota he is over, a balance he
 * never had, ids that do not exist, and usage mistakes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(CliPlatform.class)
class CliErrorPathsIT {

    @TempDir
    static Path home;
    private static CliRunner cli;
    private static Path credentials;

    @BeforeAll
    static void start() {
        cli = CliPlatform.newCli();
        credentials = Path.of(cli.env().get("HYPERAI_CONFIG_DIR")).resolve("credentials.json");
    }

    @Test
    @Order(1)
    void notLoggedIn() {
        for (String[] command : new String[][] { { "ps" }, { "run", "-g", "g", "true" }, { "bill" } }) {
            CliRunner.Result r = cli.run(command);
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.err()).isEqualTo("error: not logged in: run `hyperai login`\n");
        }
    }

    @Test
    @Order(2)
    void anExpiredTokenIsRefreshedAndSavedAgain() {
        assertThat(cli.run("login", "bob", "--password", "bob").exitCode()).isZero();
        Credentials fresh = Credentials.read(credentials);
        long past = Instant.now().getEpochSecond() - 60;
        String expired = SharedInfrastructure.oidc().expiredToken("bob", "user");
        write(fresh, expired, past, fresh.refreshToken());

        CliRunner.Result r = cli.run("storage");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("quota");
        Credentials refreshed = Credentials.read(credentials);
        assertThat(refreshed.accessToken()).isNotEqualTo(expired);
        assertThat(refreshed.expiresAt()).isGreaterThan(Instant.now().getEpochSecond());
        System.out.printf("cli errors: an access token that expired at %s was refreshed; the new one expires at %s%n",
                Instant.ofEpochSecond(past), Instant.ofEpochSecond(refreshed.expiresAt()));
    }

    @Test
    @Order(3)
    void anExpiredTokenThatCannotBeRefreshedAsksToLogIn() {
        Credentials good = Credentials.read(credentials);
        long past = Instant.now().getEpochSecond() - 60;
        String expired = SharedInfrastructure.oidc().expiredToken("bob", "user");

        write(good, expired, past, null);
        CliRunner.Result noRefreshToken = cli.run("ps");
        assertThat(noRefreshToken.exitCode()).isEqualTo(1);
        assertThat(noRefreshToken.err()).isEqualTo("error: session expired: run `hyperai login`\n");

        // the provider no longer knows the refresh token (its session ended)
        write(good, expired, past, "refresh-" + UUID.randomUUID());
        CliRunner.Result refused = cli.run("ps");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).isEqualTo("error: session expired: run `hyperai login`\n");

        // the CLI thinks the token is good, the platform does not
        write(good, expired, Instant.now().getEpochSecond() + 600, good.refreshToken());
        CliRunner.Result rejected = cli.run("ps");
        assertThat(rejected.exitCode()).isEqualTo(1);
        assertThat(rejected.err()).startsWith("error: ").endsWith("run `hyperai login`\n");
        assertThat(rejected.err().lines()).hasSize(1);

        good.write(credentials);
        assertThat(cli.run("ps").exitCode()).isZero();
    }

    @Test
    @Order(4)
    void anUploadOverTheQuotaIsRefusedInOneLine() throws IOException {
        CliPlatform.setQuota("bob", 1_000);
        String dataset = Json.MAPPER.readTree(cli.run("data", "create", "too-big", "--json").out()).path("id").asText();
        Path file = home.resolve("big.bin");
        Files.write(file, new byte[2_000]);
        CliRunner.Result r = cli.run("data", "upload", dataset, file.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).startsWith("error: Conflict: ").contains("quota");
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.out()).isEmpty();
    }

    @Test
    @Order(5)
    void withoutBalanceNothingStarts() throws IOException {
        String gear = Json.MAPPER.readTree(cli.run("gear", "create", "broke", "-s", "cpu-2c4g", "-i", "pytorch-2.4-cpu",
                "--json").out()).path("id").asText();
        Path project = Files.createDirectories(home.resolve("project"));
        Files.writeString(project.resolve("train.py"), "print('never')\n");
        CliRunner.Result run = cli.run("run", "-g", gear, "-C", project.toString(), "python3", "train.py");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().filter(l -> l.startsWith("error: ")))
                .containsExactly("error: Payment Required: the balance is 0 CNY minor units; top up to start executions");
        CliRunner.Result jupyter = cli.run("jupyter", "-g", gear);
        assertThat(jupyter.exitCode()).isEqualTo(1);
        assertThat(jupyter.err()).startsWith("error: Payment Required: ");
        assertThat(cli.run("ps").out()).doesNotContain(gear);
    }

    @Test
    @Order(6)
    void unknownIdsAreNotFound() {
        String missing = UUID.randomUUID().toString();
        for (String[] command : new String[][] { { "logs", missing }, { "logs", "-f", missing }, { "stop", missing },
                { "continue", missing } }) {
            CliRunner.Result r = cli.run(command);
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.err()).isEqualTo("error: Not Found: execution " + missing + " does not exist\n");
        }
        CliRunner.Result run = cli.run("run", "-g", "no-such-gear", "-C", home.toString(), "true");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("error: Not Found: gear no-such-gear does not exist\n");
    }

    @Test
    @Order(7)
    void usageMistakesExitWith2() {
        CliRunner.Result noGear = cli.run("run", "python3", "train.py");
        assertThat(noGear.exitCode()).isEqualTo(2);
        assertThat(noGear.err()).startsWith("error: Missing required option: '--gear=<gear>'");
        CliRunner.Result device = cli.run("login", "bob", "--device");
        assertThat(device.exitCode()).isEqualTo(2);
        CliRunner.Result badState = cli.run("ps", "--state", "sleeping");
        assertThat(badState.exitCode()).isEqualTo(1);
        assertThat(badState.err()).startsWith("error: Invalid request: state: must be one of").endsWith("(field: state)\n");
    }

    private static void write(Credentials base, String accessToken, long expiresAt, String refreshToken) {
        new Credentials(base.username(), accessToken, expiresAt, refreshToken, base.refreshExpiresAt(),
                base.tokenEndpoint(), base.clientId()).write(credentials);
    }
}
