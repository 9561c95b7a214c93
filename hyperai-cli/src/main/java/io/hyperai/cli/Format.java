package io.hyperai.cli;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Output for people: sizes, durations, amounts and aligned tables. */
public final class Format {

    private static final String[] UNITS = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };

    private Format() {
    }

    /** {@code 1 file}, {@code 2 files}. */
    public static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /** 1024-based: {@code 0 B}, {@code 999 B}, {@code 1.0 KiB}, {@code 1.5 MiB}. */
    public static String size(long bytes) {
        if (bytes < 0) {
            return "-" + size(-bytes);
        }
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        if (Math.round(value * 10) >= 10240 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
    }

    /** {@code 0s}, {@code 45s}, {@code 3m 05s}, {@code 2h 03m}, {@code 4d 06h}. */
    public static String duration(Duration duration) {
        long seconds = Math.max(0, duration.getSeconds());
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%dm %02ds", seconds / 60, seconds % 60);
        }
        if (seconds < 86400) {
            return String.format(Locale.ROOT, "%dh %02dm", seconds / 3600, (seconds % 3600) / 60);
        }
        return String.format(Locale.ROOT, "%dd %02dh", seconds / 86400, (seconds % 86400) / 3600);
    }

    public static String duration(Instant from, Instant to) {
        return from == null ? "-" : duration(Duration.between(from, to));
    }

    /** Minor units (cents, fen) with two decimals: {@code 1234, "CNY"} is {@code 12.34 CNY}. */
    public static String money(long minor, String currency) {
        String amount = BigDecimal.valueOf(minor).movePointLeft(2).setScale(2, RoundingMode.UNNECESSARY).toPlainString();
        return currency == null || currency.isBlank() ? amount : amount + " " + currency;
    }

    /** How long ago, for a timestamp: {@code 5m 02s ago}. */
    public static String ago(Instant at, Instant now) {
        return at == null ? "-" : duration(Duration.between(at, now)) + " ago";
    }

    /** How long until a timestamp: {@code in 12m 00s}, or {@code now} once it has come. */
    public static String fromNow(Instant at, Instant now) {
        if (at == null) {
            return "-";
        }
        Duration left = Duration.between(now, at);
        return left.getSeconds() <= 0 ? "now" : "in " + duration(left);
    }

    public static Instant instant(String iso) {
        try {
            return iso == null ? null : Instant.parse(iso);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Label and value pairs, aligned, without a header line. */
    public static String pairs(List<List<String>> rows) {
        String table = table(List.of("", ""), rows);
        return table.substring(table.indexOf('\n') + 1);
    }

    /** Columns aligned to their widest cell, two spaces apart, no trailing blanks; null cells print as {@code -}. */
    public static String table(List<String> headers, List<List<String>> rows) {
        int columns = headers.size();
        int[] widths = new int[columns];
        List<List<String>> all = new ArrayList<>();
        all.add(headers);
        for (List<String> row : rows) {
            List<String> cells = new ArrayList<>();
            for (int i = 0; i < columns; i++) {
                String cell = i < row.size() ? row.get(i) : null;
                cells.add(cell == null || cell.isEmpty() ? "-" : cell.replaceAll("[\\r\\n\\t]", " "));
            }
            all.add(cells);
        }
        for (List<String> row : all) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], row.get(i).codePointCount(0, row.get(i).length()));
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> row : all) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                String cell = row.get(i);
                line.append(cell);
                if (i < columns - 1) {
                    line.append(" ".repeat(widths[i] - cell.codePointCount(0, cell.length()) + 2));
                }
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }
}
