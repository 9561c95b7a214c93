package io.hyperai.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class FormatTest {

    @Test
    void sizesAreHumanAnd1024Based() {
        assertThat(Format.size(0)).isEqualTo("0 B");
        assertThat(Format.size(1023)).isEqualTo("1023 B");
        assertThat(Format.size(1024)).isEqualTo("1.0 KiB");
        assertThat(Format.size(1536)).isEqualTo("1.5 KiB");
        assertThat(Format.size(10L * 1024 * 1024 * 1024)).isEqualTo("10.0 GiB");
        assertThat(Format.size(1024L * 1024 - 1)).isEqualTo("1.0 MiB");
        assertThat(Format.size(-2048)).isEqualTo("-2.0 KiB");
    }

    @Test
    void countsAgreeWithTheirNoun() {
        assertThat(Format.count(0, "file")).isEqualTo("0 files");
        assertThat(Format.count(1, "file")).isEqualTo("1 file");
        assertThat(Format.count(6, "file")).isEqualTo("6 files");
    }

    @Test
    void durationsShowTheTwoLargestUnits() {
        assertThat(Format.duration(Duration.ZERO)).isEqualTo("0s");
        assertThat(Format.duration(Duration.ofSeconds(45))).isEqualTo("45s");
        assertThat(Format.duration(Duration.ofSeconds(185))).isEqualTo("3m 05s");
        assertThat(Format.duration(Duration.ofMinutes(123))).isEqualTo("2h 03m");
        assertThat(Format.duration(Duration.ofHours(30))).isEqualTo("1d 06h");
        assertThat(Format.duration(Duration.ofSeconds(-5))).isEqualTo("0s");
    }

    @Test
    void timesToComeAreRelative() {
        java.time.Instant now = java.time.Instant.parse("2026-12-04T10:48:00Z");
        assertThat(Format.fromNow(now.plusSeconds(720), now)).isEqualTo("in 12m 00s");
        assertThat(Format.fromNow(now.plusSeconds(1), now)).isEqualTo("in 1s");
        assertThat(Format.fromNow(now, now)).isEqualTo("now");
        assertThat(Format.fromNow(now.minusSeconds(90), now)).isEqualTo("now");
        assertThat(Format.fromNow(null, now)).isEqualTo("-");
    }

    @Test
    void moneyIsInMajorUnits() {
        assertThat(Format.money(1234, "CNY")).isEqualTo("12.34 CNY");
        assertThat(Format.money(5, "USD")).isEqualTo("0.05 USD");
        assertThat(Format.money(-150, null)).isEqualTo("-1.50");
    }

    @Test
    void tablesAlignColumnsWithoutTrailingBlanks() {
        String table = Format.table(List.of("ID", "NAME", "SIZE"),
                List.of(Arrays.asList("a", "first", "1 B"), Arrays.asList("long-id", null, "10.0 KiB")));
        assertThat(table).isEqualTo("""
                ID       NAME   SIZE
                a        first  1 B
                long-id  -      10.0 KiB
                """);
    }

    @Test
    void anEmptyTableIsItsHeader() {
        assertThat(Format.table(List.of("ID", "NAME"), List.of())).isEqualTo("ID  NAME\n");
    }

    @Test
    void progressLine() {
        assertThat(Progress.line("data.bin", 512, 1024))
                .isEqualTo("data.bin [###############---------------]  50%  512 B/1.0 KiB");
        assertThat(Progress.line("x", 2048, -1)).isEqualTo("x  2.0 KiB");
    }
}
