package io.hyperai.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./platform} script answers {@code help} (and {@code status}, {@code down}, {@code restart} while the
 * launcher is not built) without a build: its copy of the usage must stay what picocli prints.
 */
class LauncherHelpTest {

    /** The module's tests run in platform-launcher/. */
    private static final Path SCRIPT = Path.of("..", "platform").toAbsolutePath().normalize();

    @TempDir
    Path unbuilt;

    private record Run(int code, String out) {
    }

    private static Run run(Path script, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", script.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    @Test
    void theScriptsHelpIsPicocliUsage() throws Exception {
        for (String[] args : new String[][] { { "help" }, {}, { "--help" }, { "up", "-h" } }) {
            Run help = run(SCRIPT, args);
            assertThat(help.code()).isZero();
            assertThat(help.out()).isEqualTo(Options.usage());
        }
    }

    @Test
    void withoutTheLauncherBuiltNothingRunsAndNothingIsBuilt() throws Exception {
        Path script = Files.copy(SCRIPT, unbuilt.resolve("platform"));

        Run status = run(script, "status", "--data", "somewhere");
        assertThat(status.code()).isEqualTo(Status.NOT_RUNNING);
        assertThat(status.out()).contains("not running").doesNotContain("Building");
        Run down = run(script, "down");
        assertThat(down.code()).isZero();
        assertThat(down.out()).contains("not running");
        Run restart = run(script, "restart", "gear");
        assertThat(restart.code()).isEqualTo(3);
        assertThat(run(script, "help").out()).isEqualTo(Options.usage());
        assertThat(unbuilt.resolve("platform-launcher")).doesNotExist();
    }
}
