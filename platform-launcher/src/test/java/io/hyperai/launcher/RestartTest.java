package io.hyperai.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The request side of {@code ./platform restart}; the restart itself runs in platform-e2e's fault tests. */
class RestartTest {

    @TempDir
    Path data;

    @Test
    void aRequestFileNamesTheComponentUpRestarts() throws Exception {
        assertThat(Restart.pending(data)).isEmpty();
        Files.createDirectories(data.resolve("run"));
        Files.writeString(Restart.requestFile(data, Component.KAFKA), "1\n");
        assertThat(Restart.requestFile(data, Component.KAFKA).getFileName().toString())
                .isEqualTo("restart-kafka.request");
        assertThat(Restart.pending(data)).contains(Component.KAFKA);
    }

    @Test
    void theOutcomeNamesTheNewPidOfEachInstance() {
        Properties one = new Properties();
        one.setProperty("pid.billing", "11");
        assertThat(Restart.pids(one, Component.BILLING)).isEqualTo("pid 11");
        Properties two = new Properties();
        two.setProperty("instances.billing", "2");
        two.setProperty("pid.billing-1", "21");
        two.setProperty("pid.billing-2", "22");
        assertThat(Restart.pids(two, Component.BILLING)).isEqualTo("pids 21, 22");
        // the infrastructure is one process and has no instances (a restart of PostgreSQL failed on this)
        Properties infra = new Properties();
        infra.setProperty("pid.postgres", "31");
        infra.setProperty("pid.kafka", "32");
        assertThat(Restart.pids(infra, Component.POSTGRES)).isEqualTo("pid 31");
        assertThat(Restart.pids(infra, Component.KAFKA)).isEqualTo("pid 32");
    }

    @Test
    void withoutARunningPlatformNothingIsRequested() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        Options opt = Options.parse(new String[] { "restart", "billing", "--data", data.toString() }, Map.of(), data,
                data);
        int code = Restart.run(opt, new PrintStream(buffer, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(3);
        assertThat(buffer.toString(StandardCharsets.UTF_8)).contains("not running");
        assertThat(Restart.pending(data)).isEmpty();
    }
}
