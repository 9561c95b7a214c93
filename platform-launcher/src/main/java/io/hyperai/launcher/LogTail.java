package io.hyperai.launcher;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** The last lines of a log file. */
final class LogTail {

    private LogTail() {
    }

    static String of(Path file, int lines) {
        if (file == null || !Files.isRegularFile(file)) {
            return "(no log at " + file + ")";
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long len = f.length();
            int n = (int) Math.min(len, 64 * 1024);
            byte[] buf = new byte[n];
            f.seek(len - n);
            f.readFully(buf);
            List<String> all = Arrays.asList(new String(buf, StandardCharsets.UTF_8).split("\r?\n"));
            // only this run: the launcher writes "---- <time> starting <name>: <command>" before each start
            for (int i = all.size() - 1; i >= 0; i--) {
                String l = all.get(i);
                if (l.startsWith("---- ") && l.contains(" starting ")) {
                    all = all.subList(i, all.size());
                    break;
                }
            }
            return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }
}
