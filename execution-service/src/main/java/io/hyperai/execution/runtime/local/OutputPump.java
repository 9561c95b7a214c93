package io.hyperai.execution.runtime.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Copies a sandbox's output into its log file up to a cap, then marks the truncation once and reads on without
 * keeping anything, so a script that prints forever neither fills the disk nor blocks on a full pipe.
 */
final class OutputPump implements Runnable {

    private final InputStream from;
    private final Path log;
    private final long cap;

    OutputPump(InputStream from, Path log, long cap) {
        this.from = from;
        this.log = log;
        this.cap = cap;
    }

    static String truncationMark(long cap) {
        return "\n[hyperai: output truncated: only the first " + cap + " bytes are kept]\n";
    }

    @Override
    public void run() {
        byte[] buffer = new byte[64 * 1024];
        long kept = 0;
        boolean marked = false;
        try (InputStream in = from; OutputStream out = Files.newOutputStream(log, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                int keep = (int) Math.min(n, cap - kept);
                boolean wrote = keep > 0;
                if (wrote) {
                    out.write(buffer, 0, keep);
                    kept += keep;
                }
                if (keep < n && !marked) {
                    out.write(truncationMark(cap).getBytes(StandardCharsets.UTF_8));
                    marked = true;
                    wrote = true;
                }
                if (wrote) {
                    out.flush();
                }
            }
        } catch (IOException e) {
            // the sandbox is gone or the log cannot be written: nothing more to keep either way
        }
    }
}
