package io.hyperai.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine;

/** {@code -o/--output table|json} on every command, {@code --json} as its alias. */
class OutputFormatTest {

    @TempDir
    Path dir;
    private TokenStub stub;
    private CliRunner cli;

    @BeforeEach
    void start() throws Exception {
        stub = new TokenStub();
        Files.writeString(dir.resolve("config.json"), "{\"authUrl\":\"" + stub.authUrl() + "\"}");
        Map<String, String> env = new HashMap<>();
        env.put("HYPERAI_CONFIG_DIR", dir.toString());
        // A fixed clock: two runs of whoami a second apart would otherwise show different remaining times.
        cli = new CliRunner(env, Clock.fixed(Instant.now(), ZoneOffset.UTC));
        assertThat(cli.run("login", "alice", "--password", "alice").exitCode()).isZero();
    }

    @AfterEach
    void stop() {
        stub.close();
    }

    @Test
    void everyCommandTakesOutputAndJson() {
        StringWriter sink = new StringWriter();
        Cli offline = new Cli(Map.of(), new PrintWriter(sink), new PrintWriter(sink), false, Clock.systemUTC());
        List<String> leaves = new ArrayList<>();
        collectLeaves(Main.commandLine(offline), leaves);
        assertThat(leaves).contains("hyperai gear create", "hyperai data upload", "hyperai ps", "hyperai whoami");
        for (String leaf : leaves) {
            CommandLine command = find(Main.commandLine(offline), leaf);
            if (leaf.equals("hyperai completion")) {
                continue; // prints a shell script, nothing else
            }
            assertThat(command.getCommandSpec().findOption("-o")).as(leaf).isNotNull();
            assertThat(command.getCommandSpec().findOption("--output")).as(leaf).isNotNull();
            assertThat(command.getCommandSpec().findOption("--json")).as(leaf).isNotNull();
        }
    }

    private static void collectLeaves(CommandLine c, List<String> into) {
        if (c.getSubcommands().isEmpty()) {
            into.add(c.getCommandSpec().qualifiedName());
        }
        c.getSubcommands().forEach((name, sub) -> {
            if (sub.getCommandSpec().name().equals(name)) { // not an alias
                collectLeaves(sub, into);
            }
        });
    }

    private static CommandLine find(CommandLine root, String qualifiedName) {
        CommandLine c = root;
        for (String part : qualifiedName.substring("hyperai ".length()).split(" ")) {
            c = c.getSubcommands().get(part);
        }
        return c;
    }

    @Test
    void jsonInEveryFormOfTheOption() throws Exception {
        for (String[] args : new String[][] { { "whoami", "-o", "json" }, { "whoami", "--output", "json" },
                { "whoami", "--output=json" }, { "whoami", "--json" } }) {
            CliRunner.Result r = cli.run(args);
            assertThat(r.exitCode()).isZero();
            JsonNode me = Json.MAPPER.readTree(r.out());
            assertThat(me.isObject()).as(String.join(" ", args)).isTrue();
            assertThat(me.path("username").asText()).isEqualTo("alice");
            assertThat(me.path("subject").asText()).isEqualTo("alice-id");
        }
    }

    @Test
    void tableIsTheDefaultAndUnknownFormatsAreUsageErrors() {
        CliRunner.Result table = cli.run("whoami", "-o", "table");
        assertThat(table.exitCode()).isZero();
        assertThat(table.out()).startsWith("alice (subject alice-id").isEqualTo(cli.run("whoami").out());

        CliRunner.Result yaml = cli.run("whoami", "-o", "yaml");
        assertThat(yaml.exitCode()).isEqualTo(2);
        assertThat(yaml.err()).contains("--output", "yaml", "table", "json");
        assertThat(cli.run("whoami", "-o", "JSON").out()).startsWith("{");
    }
}
