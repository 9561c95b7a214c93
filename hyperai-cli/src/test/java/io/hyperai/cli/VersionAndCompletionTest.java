package io.hyperai.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hyperai --version} comes from the build; {@code hyperai completion} prints a bash script that loads. */
class VersionAndCompletionTest {

    private final CliRunner cli = new CliRunner(Map.of());

    @Test
    void theVersionIsTheBuildsNotAConstant() {
        CliRunner.Result v = cli.run("--version");
        assertThat(v.exitCode()).isZero();
        // the pom's version, filtered into version.properties (a ${...} left over would mean no filtering)
        assertThat(v.out().strip()).matches("hyperai \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
        assertThat(v.out().strip()).isEqualTo("hyperai " + System.getProperty("hyperai.version")); // the pom's, via surefire
        assertThat(cli.run("-V").out()).isEqualTo(v.out());
    }

    @Test
    void completionIsABashScriptThatKnowsEveryCommand(@TempDir Path dir) throws Exception {
        CliRunner.Result r = cli.run("completion");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("complete -F", "hyperai")
                .contains("login", "gear", "create", "data", "upload", "run", "jupyter", "ps", "queue", "bill", "completion")
                .contains("--output", "--json");

        // bash loads it, and then completes the first word
        Path script = dir.resolve("hyperai-completion.bash");
        Files.writeString(script, r.out());
        Process bash = new ProcessBuilder("bash", "-c", "source " + script + " && COMP_WORDS=(hyperai gea) && COMP_CWORD=1"
                + " && COMP_LINE='hyperai gea' && COMP_POINT=11 && _complete_hyperai hyperai gea hyperai"
                + " && printf '%s\\n' \"${COMPREPLY[@]}\"").redirectErrorStream(true).start();
        String out = new String(bash.getInputStream().readAllBytes());
        assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(bash.exitValue()).as(out).isZero();
        assertThat(out.lines()).containsExactly("gear");
    }
}
