package io.hyperai.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The CLI's main entry, in this JVM, against the packaged services ({@link CliPlatform}) with the
 * OIDC test provider as the auth server: the steps of alice's first session, in order, and their
 * error paths. Executions are {@link CliExecutionsIT}'s (another user), so alice's storage figures
 * are this test's alone.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(CliPlatform.class)
class CliAgainstServicesIT {

    @TempDir
    static Path home;
    private static CliRunner cli;
    private static String dataset;
    private static String gear;

    @BeforeAll
    static void start() {
        cli = CliPlatform.newCli();
    }

    @Test
    @Order(1)
    void beforeLoginEveryCommandSaysToLogIn() {
        CliRunner.Result r = cli.run("specs");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("error: not logged in: run `hyperai login`\n");
    }

    @Test
    @Order(2)
    void loginAsAlice() {
        assertThat(cli.run("login", "alice", "--password", "wrong").err())
                .isEqualTo("error: login failed: wrong user name or password\n");
        CliRunner.Result r = cli.run("login", "alice", "--password", "alice");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("logged in as alice");
        assertThat(cli.run("whoami").out()).startsWith("alice (subject alice, roles user)");
    }

    @Test
    @Order(3)
    void specsAndImages() throws Exception {
        CliRunner.Result specs = cli.run("specs");
        assertThat(specs.exitCode()).isZero();
        assertThat(specs.out()).startsWith("ID").contains("cpu-2c4g").contains("/h");
        JsonNode raw = Json.MAPPER.readTree(cli.run("specs", "--json").out());
        assertThat(raw.isArray()).isTrue();
        assertThat(raw.findValuesAsText("id")).contains("cpu-2c4g");
        assertThat(cli.run("images").out()).contains("pytorch-2.4-cpu");
    }

    @Test
    @Order(4)
    void createAndUploadADatasetThenDownloadIt() throws Exception {
        CliRunner.Result created = cli.run("data", "create", "cli-mnist", "-d", "made by the CLI test", "--json");
        assertThat(created.exitCode()).isZero();
        dataset = Json.MAPPER.readTree(created.out()).path("id").asText();
        assertThat(dataset).isNotBlank();

        Path folder = Files.createDirectories(home.resolve("mnist/train"));
        byte[] bytes = new byte[200_000];
        new Random(7).nextBytes(bytes);
        Files.write(folder.resolve("images.bin"), bytes);
        Files.writeString(folder.getParent().resolve("README.txt"), "digits\n");

        CliRunner.Result upload = cli.run("data", "upload", dataset, home.resolve("mnist").toString());
        assertThat(upload.exitCode()).isZero();
        assertThat(upload.out()).isEqualTo("uploaded version 1 of dataset " + dataset + ": 2 files, 195.3 KiB\n");

        CliRunner.Result versions = cli.run("data", "versions", dataset);
        assertThat(versions.out()).startsWith("VERSION  FILES  SIZE").contains("1        2      195.3 KiB");

        Path out = home.resolve("downloaded");
        CliRunner.Result download = cli.run("data", "download", dataset, "-o", out.toString());
        assertThat(download.exitCode()).isZero();
        assertThat(Files.readAllBytes(out.resolve("train/images.bin"))).isEqualTo(bytes);
        assertThat(Files.readString(out.resolve("README.txt"))).isEqualTo("digits\n");
        assertThat(cli.run("data", "list").out()).contains(dataset, "cli-mnist");
    }

    @Test
    @Order(5)
    void createAGearWithTheDataset() throws Exception {
        CliRunner.Result badMount = cli.run("gear", "create", "cli-gear", "--spec", "cpu-2c4g", "--image",
                "pytorch-2.4-cpu", "--bind", "/data=dataset:" + dataset + ":1");
        assertThat(badMount.exitCode()).isEqualTo(1);
        assertThat(badMount.err()).startsWith("error: ").contains("(field: bindings[0].mountPath)").doesNotContain("\n\n");
        assertThat(badMount.err().lines()).hasSize(1);

        CliRunner.Result created = cli.run("gear", "create", "cli-gear", "--spec", "cpu-2c4g", "--image",
                "pytorch-2.4-cpu", "--bind", "/hyperai/input/input0=dataset:" + dataset + ":1", "--json");
        assertThat(created.exitCode()).isZero();
        gear = Json.MAPPER.readTree(created.out()).path("id").asText();
        assertThat(cli.run("gear", "list").out()).contains(gear, "cli-gear", "cpu-2c4g");
        assertThat(cli.run("gear", "show", gear).out()).contains("/hyperai/input/input0", dataset, "ro");
    }

    @Test
    @Order(6)
    void storageCountsTheUpload() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> assertThat(cli.run("storage").out())
                .containsPattern("(?m)^used +195.3 KiB \\(<0.1%\\)$").containsPattern("(?m)^  dataset +195.3 KiB$"));
        assertThat(cli.run("storage").out()).containsPattern("(?m)^quota +20.0 GiB$").containsPattern("(?m)^reserved +0 B$");
    }

    @Test
    @Order(7)
    void billShowsTheBalance() {
        CliRunner.Result bill = cli.run("bill");
        assertThat(bill.exitCode()).isZero();
        assertThat(bill.out()).startsWith("balance").contains("statement ");
    }

    @Test
    @Order(8)
    void anUnknownIdIsA404Line() {
        CliRunner.Result r = cli.run("gear", "show", "no-such-gear");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("error: Not Found: gear no-such-gear does not exist\n");
        CliRunner.Result versions = cli.run("data", "versions", "00000000-0000-0000-0000-000000000000");
        assertThat(versions.exitCode()).isEqualTo(1);
        assertThat(versions.err()).startsWith("error: Not Found");
    }

    @Test
    @Order(9)
    void aUsageErrorExitsWith2() {
        CliRunner.Result r = cli.run("gear", "create", "no-spec", "--image", "pytorch-2.4-cpu");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: Missing required option: '--spec=<specId>'");
    }

    @Test
    @Order(10)
    void deleteTheGear() {
        assertThat(cli.run("gear", "delete", gear).out()).isEqualTo("deleted gear " + gear + "\n");
        assertThat(cli.run("gear", "show", gear).exitCode()).isEqualTo(1);
    }
}
