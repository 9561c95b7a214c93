package io.hyperai.e2e;

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
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Issue 8's journey driven through {@code hyperai-cli/hyperai} on the running platform, as a Keycloak user of its own:
 * login, data and a model with versions, a gear binding both, scripts run from a code folder (their output followed,
 * the CLI exiting with their exit code), logs, a continuation that sees the previous home, a real Jupyter workspace,
 * {@code ps} with costs, stop, storage counting what the executions saved, the bill, and the clean-up. Each step's
 * output is what a person reads; the figures are checked against the services' own API.
 */
@ExtendWith(E2e.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliJourneyIT {

    private static final Pattern MONEY = Pattern.compile("\\d+\\.\\d{2} [A-Z]{3}");
    /** As a browser: it follows the workspace's redirect and keeps the cookie that replaces the URL's token. */
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
            .cookieHandler(new java.net.CookieManager()).build();
    private static final byte[] IMAGES = Api.random(200_000, 7);
    private static final String README = "digits\n";
    private static final byte[] WEIGHTS = Api.random(4096, 8);
    /** The priciest CPU spec (1 200 per hour: a minor unit every 3 s), so that the runs cost something on the bill. */
    private static final String SPEC = Api.PRICEY_SPEC;
    /** 3 000 s of running at that price. */
    private static final long TOP_UP = 1_000;

    @TempDir
    static Path home;
    private static Api api;
    private static Cli cli;
    private static String user;
    private static String userId;
    private static Path project;
    private static String dataset;
    private static String model;
    private static String gear;
    private static String trained;
    private static String workspace;
    private static String workspaceUrl;
    private static final List<String> executions = new ArrayList<>();
    /** Executions whose saved home was deleted: they no longer count toward storage. */
    private static final java.util.Set<String> deletedOutputs = new java.util.HashSet<>();

    @BeforeAll
    static void setUp() throws IOException {
        E2e.assumeLocalRuntime();
        api = Api.get();
        user = "cli-" + UUID.randomUUID().toString().substring(0, 8);
        userId = E2e.credentials().newUser(user);
        api.topUp(userId, TOP_UP, "e2e-" + user);
        cli = Cli.fresh();

        project = Files.createDirectories(home.resolve("project"));
        Files.writeString(project.resolve("train.py"), """
                import os
                print("files:", sorted(os.listdir(".")))
                print("input:", open("/hyperai/input/input0/README.txt").read().strip())
                print("model:", sorted(os.listdir("/hyperai/input/input1")))
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
        Files.writeString(project.resolve("forever.py"), "import time\nprint('started', flush=True)\ntime.sleep(600)\n");
        Files.createDirectories(project.resolve("lib"));
        Files.writeString(project.resolve("lib/util.py"), "X = 1\n");
        Files.createDirectories(project.resolve("data"));
        Files.write(project.resolve("data/big.bin"), new byte[50_000]);
        Files.writeString(project.resolve("debug.log"), "noise\n");
        Files.writeString(project.resolve(".hyperaiignore"), "# not code\ndata/\n*.log\n");
    }

    @Test
    @Order(1)
    void logInWithKeycloak() {
        Cli.Result before = cli.run("specs");
        assertThat(before.exitCode()).isEqualTo(1);
        assertThat(before.err()).isEqualTo("error: not logged in: run `hyperai login`\n");
        Cli.Result wrong = cli.run("login", user, "--password", "wrong");
        assertThat(wrong.exitCode()).isEqualTo(1);
        assertThat(wrong.err()).isEqualTo("error: login failed: wrong user name or password\n");

        Cli.Result login = cli.run("login", user, "--password", user);
        assertThat(login.exitCode()).isZero();
        assertThat(login.out()).startsWith("logged in as " + user + "; token valid for ");
        assertThat(cli.run("whoami").out()).startsWith(user + " (subject " + userId + ", roles ").contains("user");
    }

    @Test
    @Order(2)
    void specsAndImages() {
        Cli.Result specs = cli.run("specs");
        assertThat(specs.exitCode()).isZero();
        assertThat(specs.out()).startsWith("ID").contains("cpu-1c2g", "gpu-h100-8", "/h");
        assertThat(cli.run("specs", "--json").json().findValuesAsText("id")).contains("cpu-1c2g", "gpu-h100-8");
        assertThat(cli.run("images").out()).contains(Api.CPU_IMAGE);
    }

    @Test
    @Order(3)
    void aDatasetAndAModelUploadedAndDownloaded() throws IOException {
        dataset = cli.run("data", "create", "cli-mnist", "-d", "made with the CLI", "--json").json().path("id").asText();
        Path mnist = Files.createDirectories(home.resolve("mnist/train"));
        Files.write(mnist.resolve("images.bin"), IMAGES);
        Files.writeString(mnist.getParent().resolve("README.txt"), README);
        Cli.Result upload = cli.run("data", "upload", dataset, home.resolve("mnist").toString());
        assertThat(upload.exitCode()).isZero();
        assertThat(upload.out()).isEqualTo("uploaded version 1 of dataset " + dataset + ": 2 files, 195.3 KiB\n");
        assertThat(cli.run("data", "versions", dataset).out()).startsWith("VERSION  FILES  SIZE")
                .contains("1        2      195.3 KiB");
        assertThat(cli.run("data", "list").out()).contains(dataset, "cli-mnist");

        Path out = home.resolve("downloaded");
        assertThat(cli.run("data", "download", dataset, "-C", out.toString()).exitCode()).isZero();
        assertThat(Files.readAllBytes(out.resolve("train/images.bin"))).isEqualTo(IMAGES);
        assertThat(Files.readString(out.resolve("README.txt"))).isEqualTo(README);

        model = cli.run("data", "create", "cli-model", "--model", "--json").json().path("id").asText();
        Path weights = home.resolve("weights.bin");
        Files.write(weights, WEIGHTS);
        assertThat(cli.run("data", "upload", model, weights.toString(), "--model").out())
                .isEqualTo("uploaded version 1 of model " + model + ": 1 file, 4.0 KiB\n");
        assertThat(cli.run("data", "list", "--model").out()).contains(model, "cli-model");
    }

    @Test
    @Order(4)
    void aGearBindingBoth() {
        Cli.Result badMount = cli.run("gear", "create", "cli-gear", "-s", "cpu-1c2g", "-i", Api.CPU_IMAGE, "-b",
                "/data=dataset:" + dataset + ":1");
        assertThat(badMount.exitCode()).isEqualTo(1);
        assertThat(badMount.err()).startsWith("error: ").contains("(field: bindings[0].mountPath)");
        assertThat(badMount.err().lines()).hasSize(1);

        gear = cli.run("gear", "create", "cli-gear", "-s", SPEC, "-i", Api.CPU_IMAGE,
                "-b", "/hyperai/input/input0=dataset:" + dataset + ":1", "-b", "/hyperai/input/input1=model:" + model + ":1",
                "--json").json().path("id").asText();
        assertThat(cli.run("gear", "list").out()).contains(gear, "cli-gear", SPEC);
        assertThat(cli.run("gear", "show", gear).out()).contains("/hyperai/input/input0", dataset, "/hyperai/input/input1",
                model, "ro");
    }

    @Test
    @Order(5)
    void runUploadsTheCodeFollowsItsOutputAndExitsWith0() {
        long t0 = System.nanoTime();
        Cli.Result r = cli.run("run", "-g", gear, "-C", project.toString(), "python3", "train.py");
        System.out.printf("e2e cli: `hyperai run` of a short script took %d ms from the command to its exit%n",
                (System.nanoTime() - t0) / 1_000_000);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        // the code without what .hyperaiignore leaves out, the dataset and the model as the gear binds them
        assertThat(r.out()).contains("files: ['.hyperaiignore', 'fail.py', 'forever.py', 'lib', 'ticker.py', 'train.py']")
                .contains("input: digits").contains("model: ['weights.bin']").endsWith("trained\n");
        assertThat(r.err()).contains("uploaded 6 files (").containsPattern("execution \\S+ SUCCEEDED \\(exit 0\\) after \\d+s");
        trained = idIn(r.err());
        executions.add(trained);
    }

    @Test
    @Order(6)
    void runExitsWithTheScriptsOwnCode() {
        Cli.Result r = cli.run("run", "-g", gear, "-C", project.toString(), "python3", "fail.py");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.out()).isEqualTo("about to fail\n");
        assertThat(r.err()).contains("FAILED (exit 3): EXIT_CODE");
        executions.add(idIn(r.err()));

        Cli.Result json = cli.run("run", "-g", gear, "-C", project.toString(), "--json", "python3", "fail.py");
        assertThat(json.exitCode()).isEqualTo(3);
        assertThat(json.json().path("state").asText()).isEqualTo("FAILED");
        assertThat(json.json().path("exitCode").asInt()).isEqualTo(3);
        executions.add(json.json().path("id").asText());
    }

    @Test
    @Order(7)
    void logsOfAnEndedRunAndFollowingARunningOne() {
        Cli.Result logs = cli.run("logs", trained);
        assertThat(logs.exitCode()).isZero();
        assertThat(logs.out()).contains("input: digits").endsWith("trained\n");

        Cli.Result detached = cli.run("run", "-g", gear, "-C", project.toString(), "-d", "python3", "ticker.py");
        assertThat(detached.exitCode()).isZero();
        String id = detached.out().strip();
        Cli.Result followed = cli.run("logs", "-f", id);
        assertThat(followed.exitCode()).isZero();
        assertThat(followed.out()).isEqualTo("tick 0\ntick 1\ntick 2\ntick 3\n");
        assertThat(followed.err()).contains("execution " + id + " SUCCEEDED (exit 0)");
        executions.add(id);
    }

    @Test
    @Order(8)
    void continueStartsFromThePreviousHome() {
        Cli.Result r = cli.run("continue", trained, "-c", "cat model.txt && ls", "--json");
        assertThat(r.exitCode()).isZero();
        assertThat(r.json().path("continuedFrom").asText()).isEqualTo(trained);
        String next = r.json().path("id").asText();
        Cli.Result logs = cli.run("logs", "-f", next);
        assertThat(logs.exitCode()).isZero();
        assertThat(logs.out()).startsWith("weights-42\n").contains("train.py");
        executions.add(next);
        theSavedOutputIsListedDownloadedAndDeleted(next);
    }

    /** {@code hyperai output}: an ended execution's saved home, listed, downloaded and deleted. */
    private static void theSavedOutputIsListedDownloadedAndDeleted(String id) {
        // measured once saved, a moment after the end
        await().atMost(Duration.ofSeconds(60)).until(() -> cli.run("output", "ls", id).exitCode() == 0);
        assertThat(cli.run("output", "ls", id).out()).startsWith("PATH").contains("model.txt");
        Path into;
        try {
            into = Files.createTempDirectory("hyperai-output");
            Cli.Result get = cli.run("output", "get", id, "model.txt", "-C", into.toString());
            assertThat(get.exitCode()).as(get.toString()).isZero();
            assertThat(Files.readString(into.resolve("model.txt"))).startsWith("weights-42");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Cli.Result rm = cli.run("output", "rm", id);
        assertThat(rm.exitCode()).as(rm.toString()).isZero();
        deletedOutputs.add(id);
        assertThat(cli.run("output", "ls", id).exitCode()).isEqualTo(1);
    }

    @Test
    @Order(9)
    void jupyterPrintsTheUrlOfARealWorkspace() {
        Cli.Result r = cli.run("jupyter", "-g", gear, "--wait", "120");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        workspaceUrl = r.out().strip();
        assertThat(workspaceUrl).startsWith("http://").contains("token=");
        workspace = idIn(r.err());
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
            HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(workspaceUrl)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).containsIgnoringCase("jupyter");
        });
    }

    @Test
    @Order(10)
    void psShowsStatesExitCodesAndCostSoFar() {
        Cli.Result ps = cli.run("ps", "-g", gear);
        assertThat(ps.exitCode()).isZero();
        assertThat(ps.out()).startsWith("ID").contains("STATE", "EXIT", "DURATION", "COST");
        assertThat(line(ps.out(), trained)).contains(" script ", " SUCCEEDED ", " 0 ").containsPattern(MONEY);
        assertThat(ps.out()).containsPattern("(?m)^\\S+ +" + gear + " +script +FAILED +3 .*" + MONEY + "$");
        assertThat(line(ps.out(), workspace)).contains(" jupyter ", " RUNNING ").containsPattern(MONEY);
        assertThat(cli.run("ps", "-g", gear, "--json").json().path("items").findValuesAsText("state"))
                .contains("SUCCEEDED", "FAILED", "RUNNING");
        assertThat(cli.run("ps", "--state", "failed").out()).doesNotContain(" SUCCEEDED ").contains(" FAILED ");
    }

    @Test
    @Order(11)
    void stopEndsTheWorkspaceAndItsServer() {
        Cli.Result r = cli.run("stop", workspace);
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEqualTo("execution " + workspace + " STOPPED\n");
        executions.add(workspace);
        // the proxy in execution-service stays; the workspace behind it is gone
        await().atMost(Duration.ofSeconds(30)).until(() -> HTTP.send(HttpRequest.newBuilder(URI.create(workspaceUrl))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 404);
        assertThat(line(cli.run("ps", "--state", "STOPPED").out(), workspace)).contains(" jupyter ", " STOPPED ");
        Cli.Result again = cli.run("stop", workspace);
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).isEqualTo("error: Conflict: execution " + workspace + " has already ended (STOPPED)\n");
    }

    @Test
    @Order(12)
    void aRunWhoseScriptIsStoppedExitsWith1() {
        Cli.Running run = cli.start("run", "-g", gear, "-C", project.toString(), "python3", "forever.py");
        await().atMost(Duration.ofSeconds(60)).until(() -> run.out().contains("started"));
        String id = idIn(run.err());
        // its output can come before execution-service has recorded it RUNNING; a user stops what ps shows running
        api.awaitState(user, id, "RUNNING");
        assertThat(cli.run("stop", id).exitCode()).isZero();
        Cli.Result r = run.await(Duration.ofSeconds(60));
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).isEqualTo("started\n");
        assertThat(r.err()).containsPattern("execution " + id + " STOPPED: USER_STOPPED after \\d+s\n$");
        executions.add(id);
    }

    @Test
    @Order(13)
    void storageCountsTheDataAndEveryExecutionsSavedHome() {
        long saved = executions.stream().filter(id -> !deletedOutputs.contains(id)).mapToLong(api::savedBytes).sum();
        await().atMost(Api.WAIT).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonNode byKind = cli.run("storage", "--json").json().path("usedByKind");
            assertThat(byKind.path("DATASET").asLong()).isEqualTo(IMAGES.length + README.length());
            assertThat(byKind.path("MODEL").asLong()).isEqualTo(WEIGHTS.length);
            assertThat(byKind.path("WORKING_DIRECTORY").asLong()).isEqualTo(saved);
        });
        Cli.Result human = cli.run("storage");
        assertThat(human.out()).containsPattern("(?m)^  dataset +195.3 KiB$").containsPattern("(?m)^  model +4.0 KiB$")
                .containsPattern("(?m)^used +\\S+ \\S+ \\(<0.1%\\)$").containsPattern("(?m)^reserved +0 B$");
        System.out.printf("e2e cli: %d executions saved %d bytes of home, counted by `hyperai storage`%n",
                executions.size(), saved);
    }

    @Test
    @Order(14)
    void theBillListsWhatEachExecutionCost() {
        executions.forEach(api::awaitSettled);
        JsonNode bill = cli.run("bill", "--json").json();
        long total = 0;
        for (String id : executions) {
            long charged = api.charged(id);
            JsonNode line = null;
            for (JsonNode l : bill.path("statement").path("byExecution")) {
                if (l.path("executionId").asText().equals(id)) {
                    line = l;
                }
            }
            // an execution too short to cost a minor unit (under 3 s at 1 200 per hour) has no line
            assertThat(line == null ? 0 : line.path("amountMinor").asLong()).as("%s in %s", id, bill).isEqualTo(charged);
            total += charged;
        }
        assertThat(total).isPositive();
        assertThat(bill.path("statement").path("totalMinor").asLong()).isEqualTo(total);
        assertThat(bill.path("account").path("balanceMinor").asLong()).isEqualTo(TOP_UP - total)
                .isEqualTo(api.balance(user));

        Cli.Result human = cli.run("bill");
        assertThat(human.out()).startsWith("balance").containsPattern("(?m)^balance +" + MONEY + "$")
                .contains("statement ", workspace);
        System.out.printf("e2e cli: %d executions cost %d minor units in all, as `hyperai bill` shows%n",
                executions.size(), total);
    }

    @Test
    @Order(15)
    void deletingTheGearThenLoggingOut() {
        assertThat(cli.run("gear", "delete", gear).out()).isEqualTo("deleted gear " + gear + "\n");
        Cli.Result gone = cli.run("gear", "show", gear);
        assertThat(gone.exitCode()).isEqualTo(1);
        assertThat(gone.err()).isEqualTo("error: Not Found: gear " + gear + " does not exist\n");
        assertThat(cli.run("logout").exitCode()).isZero();
        assertThat(cli.run("ps").err()).isEqualTo("error: not logged in: run `hyperai login`\n");
    }

    /** The execution id in {@code execution <id> ...} of the CLI's notes. */
    static String idIn(String notes) {
        Matcher m = Pattern.compile("execution (\\S+) ").matcher(notes);
        assertThat(m.find()).as("an execution id in %s", notes).isTrue();
        return m.group(1);
    }

    private static String line(String table, String id) {
        return table.lines().filter(l -> l.startsWith(id + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + id + " in\n" + table));
    }
}
