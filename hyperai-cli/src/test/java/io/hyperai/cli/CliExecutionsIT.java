package io.hyperai.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code run}, {@code logs}, {@code continue}, {@code jupyter}, {@code ps} and {@code stop} against
 * execution-service's local runtime: real Python scripts in a bubblewrap sandbox, with their real
 * output and exit codes, reading the gear's dataset and leaving a home the next execution continues
 * from. carol has these executions to herself.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(CliPlatform.class)
class CliExecutionsIT {

    private static final Pattern MONEY = Pattern.compile("\\d+\\.\\d{2} [A-Z]{3}");
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

    @TempDir
    static Path home;
    private static Path project;
    private static CliRunner cli;
    private static String gear;
    private static String trained;
    private static String workspace;
    private static String workspaceUrl;

    @BeforeAll
    static void start() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/bwrap")),
                "bubblewrap (/usr/bin/bwrap) is not installed: the CLI's execution tests need the local runtime's sandbox");
        cli = CliPlatform.newCli();
        assertThat(cli.run("login", "carol", "--password", "carol").exitCode()).isZero();
        CliPlatform.topUp("carol", 10_000);

        Path words = Files.createDirectories(home.resolve("words"));
        Files.writeString(words.resolve("words.txt"), "hello from the dataset\n");
        String dataset = Json.MAPPER.readTree(cli.run("data", "create", "cli-words", "--json").out()).path("id").asText();
        assertThat(cli.run("data", "upload", dataset, words.resolve("words.txt").toString()).exitCode()).isZero();
        JsonNode created = Json.MAPPER.readTree(cli.run("gear", "create", "cli-runs", "-s", "cpu-2c4g", "-i",
                "pytorch-2.4-cpu", "-b", "/hyperai/input/input0=dataset:" + dataset + ":1", "--json").out());
        gear = created.path("id").asText();

        project = Files.createDirectories(home.resolve("project"));
        Files.writeString(project.resolve("train.py"), """
                import os
                print("files:", sorted(os.listdir(".")))
                print("input:", open("/hyperai/input/input0/words.txt").read().strip())
                with open("model.txt", "w") as f:
                    f.write("weights-42\\n")
                print("trained", flush=True)
                """);
        Files.writeString(project.resolve("fail.py"), """
                import sys
                print("about to fail", flush=True)
                sys.exit(3)
                """);
        Files.writeString(project.resolve("ticker.py"), """
                import time
                for i in range(4):
                    print("tick", i, flush=True)
                    time.sleep(1)
                """);
        Files.createDirectories(project.resolve("lib"));
        Files.writeString(project.resolve("lib/util.py"), "X = 1\n");
        Files.createDirectories(project.resolve("data"));
        Files.write(project.resolve("data/big.bin"), new byte[50_000]);
        Files.writeString(project.resolve("debug.log"), "noise\n");
        Files.writeString(project.resolve(".hyperaiignore"), "# not code\ndata/\n*.log\n");
    }

    @Test
    @Order(1)
    void runUploadsTheCodeFollowsItsOutputAndExitsWith0() {
        long t0 = System.nanoTime();
        CliRunner.Result r = cli.run("run", "-g", gear, "-C", project.toString(), "python3", "train.py");
        System.out.printf("cli executions: `hyperai run` of a short script took %d ms from upload to exit%n",
                (System.nanoTime() - t0) / 1_000_000);
        assertThat(r.exitCode()).isZero();
        // what the sandbox saw in its home: the code without what .hyperaiignore leaves out
        assertThat(r.out()).contains("files: ['.hyperaiignore', 'fail.py', 'lib', 'ticker.py', 'train.py']")
                .contains("input: hello from the dataset").contains("trained\n");
        assertThat(r.err()).contains("uploaded 5 files (").containsPattern("execution \\S+ SUCCEEDED \\(exit 0\\) after \\d+s");
        trained = idIn(r.err());
    }

    @Test
    @Order(2)
    void runExitsWithTheScriptsNonZeroCode() {
        CliRunner.Result r = cli.run("run", "-g", gear, "-C", project.toString(), "python3", "fail.py");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.out()).isEqualTo("about to fail\n");
        assertThat(r.err()).contains("FAILED (exit 3): EXIT_CODE");
    }

    @Test
    @Order(3)
    void runWithJsonPrintsOnlyTheEndedExecutionOnStdout() throws IOException {
        CliRunner.Result r = cli.run("run", "-g", gear, "-C", project.toString(), "--json", "python3", "fail.py");
        assertThat(r.exitCode()).isEqualTo(3);
        JsonNode ended = Json.MAPPER.readTree(r.out());
        assertThat(ended.path("state").asText()).isEqualTo("FAILED");
        assertThat(ended.path("exitCode").asInt()).isEqualTo(3);
        assertThat(r.err()).contains("about to fail");
    }

    @Test
    @Order(4)
    void logsPrintsAnEndedExecutionsOutput() {
        CliRunner.Result r = cli.run("logs", trained);
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("input: hello from the dataset").endsWith("trained\n");
    }

    @Test
    @Order(5)
    void logsFollowsARunningScriptUntilItEnds() throws IOException {
        CliRunner.Result started = cli.run("run", "-g", gear, "-C", project.toString(), "-d", "python3", "ticker.py");
        assertThat(started.exitCode()).isZero();
        String id = started.out().strip();
        CliRunner.Result followed = cli.run("logs", "-f", id);
        assertThat(followed.exitCode()).isZero();
        assertThat(followed.out()).isEqualTo("tick 0\ntick 1\ntick 2\ntick 3\n");
        assertThat(followed.err()).contains("execution " + id + " SUCCEEDED (exit 0)");
    }

    @Test
    @Order(6)
    void continueStartsFromThePreviousHome() throws IOException {
        CliRunner.Result r = cli.run("continue", trained, "-c", "cat model.txt && ls", "--json");
        assertThat(r.exitCode()).isZero();
        JsonNode next = Json.MAPPER.readTree(r.out());
        assertThat(next.path("continuedFrom").asText()).isEqualTo(trained);
        CliRunner.Result logs = cli.run("logs", "-f", next.path("id").asText());
        assertThat(logs.exitCode()).isZero();
        assertThat(logs.out()).startsWith("weights-42\n").contains("train.py");
        CliRunner.Result human = cli.run("continue", trained, "-c", "true");
        assertThat(human.out()).matches("execution \\S+ (QUEUED|STARTING|RUNNING|SUCCEEDED) \\(continues " + trained + "\\)\n");
    }

    @Test
    @Order(7)
    void jupyterPrintsTheUrlOfARealWorkspace() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/jupyter-notebook")),
                "Debian's jupyter-notebook is not installed: no workspace to start");
        CliRunner.Result r = cli.run("jupyter", "-g", gear, "--wait", "120");
        assertThat(r.exitCode()).isZero();
        String url = r.out().strip();
        assertThat(url).startsWith("http://").contains("token=");
        workspace = idIn(r.err());
        workspaceUrl = url;
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
            HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).containsIgnoringCase("jupyter");
        });
    }

    @Test
    @Order(8)
    void psShowsStatesExitCodesAndCostSoFar() throws IOException {
        CliRunner.Result ps = cli.run("ps", "-g", gear);
        assertThat(ps.exitCode()).isZero();
        assertThat(ps.out()).startsWith("ID").contains("STATE", "EXIT", "DURATION", "COST");
        String succeeded = line(ps.out(), trained);
        assertThat(succeeded).contains(" script ", " SUCCEEDED ", " 0 ").containsPattern(MONEY);
        assertThat(ps.out()).containsPattern("(?m)^\\S+ +" + gear + " +script +FAILED +3 .*" + MONEY + "$");
        if (workspace != null) {
            assertThat(line(ps.out(), workspace)).contains(" jupyter ", " RUNNING ").containsPattern(MONEY);
        }
        JsonNode page = Json.MAPPER.readTree(cli.run("ps", "-g", gear, "--json").out());
        assertThat(page.path("items").findValuesAsText("state")).contains("SUCCEEDED", "FAILED");
        assertThat(cli.run("ps", "--state", "failed").out()).doesNotContain(" SUCCEEDED ").contains(" FAILED ");
    }

    @Test
    @Order(9)
    void stopEndsTheWorkspace() {
        Assumptions.assumeTrue(workspace != null, "no workspace was started");
        CliRunner.Result r = cli.run("stop", workspace);
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEqualTo("execution " + workspace + " STOPPED\n");
        // the notebook server is gone with it
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            try {
                HTTP.send(HttpRequest.newBuilder(URI.create(workspaceUrl)).build(), HttpResponse.BodyHandlers.discarding());
                return false;
            } catch (IOException e) {
                return true;
            }
        });
        assertThat(line(cli.run("ps", "--state", "STOPPED").out(), workspace)).contains(" jupyter ", " STOPPED ");
        CliRunner.Result again = cli.run("stop", workspace);
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).isEqualTo("error: Conflict: execution " + workspace + " has already ended (STOPPED)\n");
    }

    @Test
    @Order(10)
    void aRunWhoseScriptIsStoppedExitsWith1() throws Exception {
        Path dir = Files.createDirectories(home.resolve("forever"));
        Files.writeString(dir.resolve("forever.py"), "import time\nprint('started', flush=True)\ntime.sleep(600)\n");
        CliRunner.Running run = cli.start("run", "-g", gear, "-C", dir.toString(), "python3", "forever.py");
        await().atMost(Duration.ofSeconds(30)).until(() -> run.err().contains("following its output"));
        String id = idIn(run.err());
        await().atMost(Duration.ofSeconds(30)).until(() -> cli.run("logs", id).out().contains("started"));
        assertThat(cli.run("stop", id).exitCode()).isZero();
        CliRunner.Result r = run.await(Duration.ofSeconds(60));
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).isEqualTo("started\n");
        assertThat(r.err()).containsPattern("execution " + id + " STOPPED: USER_STOPPED after \\d+s\n$");
    }

    /** The execution id in {@code execution <id> ...} of the CLI's notes. */
    private static String idIn(String notes) {
        java.util.regex.Matcher m = Pattern.compile("execution (\\S+) ").matcher(notes);
        assertThat(m.find()).as("an execution id in %s", notes).isTrue();
        return m.group(1);
    }

    private static String line(String table, String id) {
        return table.lines().filter(l -> l.startsWith(id + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + id + " in\n" + table));
    }
}
