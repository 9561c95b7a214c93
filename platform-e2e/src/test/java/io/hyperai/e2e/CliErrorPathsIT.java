package io.hyperai.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * What a user of {@code hyperai} sees when things go wrong on the running platform, each as one line on stderr with
 * its exit code: not logged in; an expired Keycloak token (refreshed, or, when it cannot be, a request to log in); a
 * quota exceeded; no balance; a GPU spec on a platform without those GPUs; a balance that runs out while a script
 * runs; ids that do not exist; usage mistakes.
 */
@ExtendWith(E2e.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliErrorPathsIT {

    private static final String LOG_IN_AGAIN = "error: session expired: run `hyperai login`\n";
    /** A seeded spec of 8 H100 GPUs: the local runtime has no GPU pools unless configured with some. */
    private static final String GPU_SPEC = "gpu-h100-8";
    private static final String NO_GPUS = "no H100-80G GPUs";
    /** Topped up before the GPU spec's starts, spent by the run that exhausts it: 15 s at 1 200 per hour. */
    private static final long BALANCE = 5;

    @TempDir
    static Path home;
    private static Api api;
    private static Cli cli;
    private static String user;
    private static String userId;
    private static Path project;

    @BeforeAll
    static void setUp() throws IOException {
        api = Api.get();
        user = "cli-err-" + UUID.randomUUID().toString().substring(0, 8);
        userId = E2e.credentials().newUser(user); // no balance yet
        cli = Cli.fresh();
        project = Files.createDirectories(home.resolve("project"));
        Files.writeString(project.resolve("train.py"), "import time\nprint('started', flush=True)\ntime.sleep(600)\n");
    }

    @Test
    @Order(1)
    void notLoggedIn() {
        for (String[] command : new String[][] { { "ps" }, { "run", "-g", "g", "true" }, { "bill" }, { "whoami" } }) {
            Cli.Result r = cli.run(command);
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.err()).isEqualTo("error: not logged in: run `hyperai login`\n");
        }
    }

    @Test
    @Order(2)
    void anExpiredTokenIsRefreshedAtKeycloakAndSavedAgain() {
        assertThat(cli.run("login", user, "--password", user).exitCode()).isZero();
        ObjectNode fresh = cli.credentials();
        String token = fresh.path("accessToken").asText();
        // as far as the CLI knows, the access token has expired
        cli.writeCredentials(fresh.deepCopy().put("expiresAt", Instant.now().getEpochSecond() - 1));

        Cli.Result r = cli.run("storage");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("quota");
        ObjectNode refreshed = cli.credentials();
        assertThat(refreshed.path("accessToken").asText()).isNotEqualTo(token);
        assertThat(refreshed.path("expiresAt").asLong()).isGreaterThan(Instant.now().getEpochSecond() + 60);
        assertThat(KeycloakCredentials.claims(refreshed.path("accessToken").asText()).getString("sid"))
                .isEqualTo(KeycloakCredentials.claims(token).getString("sid"));
    }

    @Test
    @Order(3)
    void anExpiredTokenThatCannotBeRefreshedAsksToLogIn() {
        ObjectNode good = cli.credentials();
        long past = Instant.now().getEpochSecond() - 60;
        String expired = E2e.credentials().expired(); // a real Keycloak token whose lifetime has passed

        cli.writeCredentials(good.deepCopy().put("accessToken", expired).put("expiresAt", past).putNull("refreshToken"));
        Cli.Result noRefreshToken = cli.run("ps");
        assertThat(noRefreshToken.exitCode()).isEqualTo(1);
        assertThat(noRefreshToken.err()).isEqualTo(LOG_IN_AGAIN);

        // Keycloak does not know the refresh token
        cli.writeCredentials(good.deepCopy().put("accessToken", expired).put("expiresAt", past)
                .put("refreshToken", "refresh-" + UUID.randomUUID()));
        Cli.Result refused = cli.run("ps");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).isEqualTo(LOG_IN_AGAIN);

        // the CLI thinks the token is good, the platform does not
        cli.writeCredentials(good.deepCopy().put("accessToken", expired)
                .put("expiresAt", Instant.now().getEpochSecond() + 600));
        Cli.Result rejected = cli.run("ps");
        assertThat(rejected.exitCode()).isEqualTo(1);
        assertThat(rejected.err()).startsWith("error: ").endsWith("run `hyperai login`\n");
        assertThat(rejected.err().lines()).hasSize(1);

        cli.writeCredentials(good);
        assertThat(cli.run("ps").exitCode()).isZero();
    }

    @Test
    @Order(4)
    void anUploadOverTheQuotaIsRefusedInOneLine() throws IOException {
        api.setQuota(userId, 1_000);
        String dataset = cli.run("data", "create", "too-big", "--json").json().path("id").asText();
        Path file = home.resolve("big.bin");
        Files.write(file, new byte[2_000]);
        Cli.Result r = cli.run("data", "upload", dataset, file.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).startsWith("error: Conflict: ").contains("quota");
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.out()).isEmpty();
        assertThat(cli.run("data", "versions", dataset).out()).doesNotContain("2.0 KiB");
        api.setQuota(userId, 1L << 30);
    }

    @Test
    @Order(5)
    void withoutBalanceNothingStarts() {
        String gear = cli.run("gear", "create", "broke", "-s", "cpu-1c2g", "-i", Api.CPU_IMAGE, "--json").json()
                .path("id").asText();
        Cli.Result run = cli.run("run", "-g", gear, "-C", project.toString(), "python3", "train.py");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().filter(l -> l.startsWith("error: ")))
                .containsExactly("error: Payment Required: the balance is 0 CNY minor units; top up to start executions");
        // the code it uploaded first is removed again: a refused run leaves nothing counted against the quota
        String code = run.err().replaceAll("(?s).*as code (\\S+).*", "$1");
        api.as(user, "execution").get("/api/v1/code/" + code).then().statusCode(404);
        Cli.Result jupyter = cli.run("jupyter", "-g", gear);
        assertThat(jupyter.exitCode()).isEqualTo(1);
        assertThat(jupyter.err()).startsWith("error: Payment Required: ");
        assertThat(cli.run("ps").out()).doesNotContain(gear);
    }

    @Test
    @Order(6)
    void aGpuSpecIsRefusedWhereThereAreNoSuchGpusBeforeAnythingIsRecordedOrCharged() {
        E2e.assumeLocalRuntime(); // elsewhere the runtime itself is unavailable (503) or may have the GPUs
        // with a balance, so that what refuses the start is the missing GPUs, not the money
        api.topUp(userId, BALANCE, "e2e-" + user);
        // gear-service does not know the runtime: the gear is made, starting it is refused
        String gear = cli.run("gear", "create", "gpu", "-s", GPU_SPEC, "-i", Api.CPU_IMAGE, "--json").json()
                .path("id").asText();

        Cli.Result run = cli.run("run", "-g", gear, "-C", project.toString(), "python3", "train.py");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().lines().filter(l -> l.startsWith("error: ")).toList()).as(run.toString())
                .singleElement().asString().contains(GPU_SPEC, NO_GPUS);
        // the code it uploaded first is removed again, as for any refused run
        String code = run.err().replaceAll("(?s).*as code (\\S+).*", "$1");
        api.as(user, "execution").get("/api/v1/code/" + code).then().statusCode(404);
        Cli.Result jupyter = cli.run("jupyter", "-g", gear);
        assertThat(jupyter.exitCode()).as(jupyter.toString()).isEqualTo(1);
        assertThat(jupyter.err()).startsWith("error: ").contains(NO_GPUS);
        assertThat(jupyter.err().lines()).hasSize(1);

        for (String mode : new String[] { "script", "jupyter" }) {
            Response refused = api.start(user, gear, mode, "script".equals(mode) ? "true" : null);
            JourneyIT.assertProblem(refused, 409, "pool-unavailable");
            assertThat(refused.jsonPath().getString("detail")).contains(GPU_SPEC, NO_GPUS);
        }

        // nothing recorded, nothing charged
        assertThat(api.as(user, "execution").get("/api/v1/executions").then().statusCode(200).extract().jsonPath()
                .getList("items.gearId", String.class)).doesNotContain(gear);
        assertThat(cli.run("ps").out()).doesNotContain(gear);
        assertThat(api.number("billing", "SELECT count(*) FROM metered_run WHERE owner_id = ?", userId)).isZero();
        assertThat(api.balance(user)).isEqualTo(BALANCE);
    }

    @Test
    @Order(7)
    void aBalanceThatRunsOutStopsTheRunAndTheNextStartIsRefused() {
        E2e.assumeLocalRuntime();
        // the balance topped up in the step before, untouched by the refused starts: at 1 200 per hour, 5 minor units
        // last 15 s
        assertThat(api.balance(user)).isEqualTo(BALANCE);
        String gear = cli.run("gear", "create", "pricey", "-s", Api.PRICEY_SPEC, "-i", Api.CPU_IMAGE, "--json").json()
                .path("id").asText();
        Cli.Result run = cli.start("run", "-g", gear, "-C", project.toString(), "python3", "train.py")
                .await(Duration.ofMinutes(3));
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEqualTo("started\n");
        assertThat(run.err()).containsPattern("execution \\S+ STOPPED: BALANCE_EXHAUSTED after \\d+s\n$");
        String id = CliJourneyIT.idIn(run.err());

        Cli.Result again = cli.run("run", "-g", gear, "-C", project.toString(), "python3", "train.py");
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("error: Payment Required: ");
        assertThat(cli.run("bill").out()).contains("(exhausted: top up to start executions)");
        api.awaitSettled(id);
        JsonPath ended = api.execution(user, id);
        System.out.printf("e2e cli: a balance of %d ran out after %d s of a %d/h run; `hyperai run` exited 1%n",
                BALANCE, Api.seconds(ended), ended.getLong("pricePerHourMinor"));
    }

    @Test
    @Order(8)
    void unknownIdsAreNotFound() {
        String missing = UUID.randomUUID().toString();
        for (String[] command : new String[][] { { "logs", missing }, { "logs", "-f", missing }, { "stop", missing },
                { "continue", missing } }) {
            Cli.Result r = cli.run(command);
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.err()).isEqualTo("error: Not Found: execution " + missing + " does not exist\n");
        }
        Cli.Result run = cli.run("run", "-g", "no-such-gear", "-C", project.toString(), "true");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("error: Not Found: gear no-such-gear does not exist\n");
        Cli.Result versions = cli.run("data", "versions", missing);
        assertThat(versions.exitCode()).isEqualTo(1);
        assertThat(versions.err()).startsWith("error: Not Found");
        // bob's gear is as unknown to this user as a made-up one
        String bobs = api.gear("bob", "cli not yours", "cpu-1c2g", java.util.List.of());
        assertThat(cli.run("gear", "show", bobs).err()).isEqualTo("error: Not Found: gear " + bobs + " does not exist\n");
    }

    @Test
    @Order(9)
    void usageMistakesExitWith2() {
        Cli.Result noGear = cli.run("run", "python3", "train.py");
        assertThat(noGear.exitCode()).isEqualTo(2);
        assertThat(noGear.err()).startsWith("error: Missing required option: '--gear=<gear>'");
        assertThat(cli.run("login", user, "--device").exitCode()).isEqualTo(2);
        assertThat(cli.run("gear", "create", "no-spec", "-i", Api.CPU_IMAGE).exitCode()).isEqualTo(2);
        Cli.Result emptyId = cli.run("gear", "show", "");
        assertThat(emptyId.exitCode()).isEqualTo(2);
        assertThat(emptyId.err()).startsWith("error: an id must not be empty\n");
        Cli.Result badState = cli.run("ps", "--state", "sleeping");
        assertThat(badState.exitCode()).isEqualTo(1);
        assertThat(badState.err()).startsWith("error: Invalid request: state: must be one of").endsWith("(field: state)\n");
    }
}
