package io.hyperai.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogTailTest {

    @TempDir
    Path tmp;

    @Test
    void showsTheLastLinesOfTheCurrentRunOnly() throws Exception {
        Path log = tmp.resolve("x.log");
        Files.writeString(log, "---- t1 starting x: cmd\nold failure\n---- t2 starting x: cmd\nline 1\nline 2\nline 3\n");
        assertThat(LogTail.of(log, 40)).isEqualTo(String.join(System.lineSeparator(),
                "---- t2 starting x: cmd", "line 1", "line 2", "line 3"));
        assertThat(LogTail.of(log, 2)).isEqualTo("line 2" + System.lineSeparator() + "line 3");
        assertThat(LogTail.of(tmp.resolve("missing.log"), 5)).contains("no log");
    }
}
