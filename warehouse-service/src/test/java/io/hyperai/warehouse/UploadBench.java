package io.hyperai.warehouse;

import static io.hyperai.warehouse.WarehouseFixtures.create;
import static io.hyperai.warehouse.WarehouseFixtures.newUser;
import static io.hyperai.warehouse.WarehouseFixtures.token;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/**
 * Not a test (the name keeps it out of the build): upload throughput in MB/s beside a plain file
 * copy of the same bytes (Java's {@code Files.copy}, and {@code cp} in its own process, both into the
 * file's folder, on the disk the test's storage root is on), and the peak heap while uploading, after warm-up
 * uploads of a quarter of the size ({@code bench.warm-ups}, default 3). Each step writes into memory just freed by a
 * scratch file of its size
 * ({@link #warmPages}). Run:
 * {@code ./mvnw test -pl warehouse-service -Dtest=UploadBench -Dbench.megabytes=1024}.
 */
@QuarkusTest
class UploadBench {

    @Test
    void printThroughputAndPeakHeap() throws Exception {
        int megabytes = Integer.getInteger("bench.megabytes", 1024);
        Path file = Files.createTempFile("upload-bench", ".bin");
        byte[] block = new byte[1024 * 1024];
        new Random(7).nextBytes(block);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < megabytes; i++) {
                out.write(block);
            }
        }
        long bytes = Files.size(file);

        Path copy = file.resolveSibling(file.getFileName() + ".copy");
        warmPages(file, bytes);
        long t0 = System.nanoTime();
        Files.copy(file, copy);
        double copySeconds = (System.nanoTime() - t0) / 1e9;
        Files.delete(copy);
        double cpSeconds = cpSeconds(file, file.resolveSibling(file.getFileName() + ".cp"), false);
        // the upload forces its file to disk before it commits: the like-for-like copy is cp, then sync of the copy
        double durableCpSeconds = cpSeconds(file, file.resolveSibling(file.getFileName() + ".cp"), true);

        String user = newUser();
        String token = token(user);
        String id = create(token, "datasets", "bench");
        // a warm-up upload of a quarter of the size first (JIT, connections, prepared statements), as the other
        // benches do: the figure is an upload's, not a cold JVM's
        Path warmUp = file.resolveSibling(file.getFileName() + ".warm-up");
        try (var in = Files.newInputStream(file)) {
            Files.copy(new java.io.BufferedInputStream(in) {
                long left = bytes / 4;

                @Override
                public synchronized int read(byte[] b, int off, int len) throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int n = super.read(b, off, (int) Math.min(len, left));
                    left -= Math.max(n, 0);
                    return n;
                }
            }, warmUp);
        }
        // after one warm-up C2 was still compiling for 0.77 s of the measured 2 s (per-thread CPU, 5 December): the
        // default three measure a service that has taken uploads before
        for (int i = 0; i < Integer.getInteger("bench.warm-ups", 3); i++) {
            upload(token, id, warmUp);
        }
        deleteQuietly(warmUp);
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long heapBefore = memory.getHeapMemoryUsage().getUsed();
        AtomicLong peak = new AtomicLong(heapBefore);
        AtomicBoolean uploading = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (uploading.get()) {
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.start();
        warmPages(file, bytes);
        long t1 = System.nanoTime();
        upload(token, id, file);
        double uploadSeconds = (System.nanoTime() - t1) / 1e9;
        uploading.set(false);
        sampler.join();

        double mb = bytes / 1e6;
        System.out.printf("upload of %.0f MB: %.1f MB/s (plain file copy %.1f MB/s)%n", mb, mb / uploadSeconds,
                mb / copySeconds);
        System.out.printf("heap: %.0f MB before, peak %.0f MB during the upload (max %.0f MB); used heap, garbage included"
                + "%n", heapBefore / 1e6, peak.get() / 1e6,
                memory.getHeapMemoryUsage().getMax() / 1e6);
        System.out.printf("cp of the same bytes: %.1f MB/s; upload / cp %.2f%n", mb / cpSeconds, cpSeconds / uploadSeconds);
        // machine-readable lines for bench/run-all.sh: BENCH|name|figure|unit|baseline|ratio|note
        System.out.printf(Locale.ROOT, "BENCH|upload, one file of %.0f MB|%.1f|MB/s|%.1f|%.2f|cp of the same file on the"
                + " same disk (both from the page cache, no fsync); Java Files.copy %.1f MB/s%n", mb, mb / uploadSeconds,
                mb / cpSeconds, cpSeconds / uploadSeconds, mb / copySeconds);
        System.out.printf(Locale.ROOT, "BENCH|upload, one file of %.0f MB, beside a durable copy|%.1f|MB/s|%.1f|%.2f|cp"
                + " of the same file, then sync of the copy (the upload forces its file to disk before it commits)%n", mb,
                mb / uploadSeconds, mb / durableCpSeconds, durableCpSeconds / uploadSeconds);
        System.out.printf(Locale.ROOT, "BENCH|upload, peak heap during the %.0f MB upload|%.0f|MB|-|-|%.0f MB before, max"
                + " %.0f MB; used heap, garbage included%n", mb, peak.get() / 1e6, heapBefore / 1e6,
                memory.getHeapMemoryUsage().getMax() / 1e6);
        deleteQuietly(file);
    }

    /** curl, in its own process, sends the file: the heap measured here is the service's alone. */
    private static void upload(String token, String id, Path file) throws IOException, InterruptedException {
        Process curl = new ProcessBuilder("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                "-H", "Authorization: Bearer " + token, "-F", "files=@" + file + ";filename=big.bin",
                RestAssured.baseURI + ":" + RestAssured.port + "/api/v1/datasets/" + id + "/versions")
                .redirectErrorStream(true).start();
        String status = new String(curl.getInputStream().readAllBytes()).trim();
        curl.waitFor();
        if (!"201".equals(status)) {
            throw new AssertionError("upload answered " + status);
        }
    }

    /**
     * {@code cp source target} in its own process, as a user would copy the file, and with {@code durable} then
     * {@code sync target} (the copy on disk); the copy is deleted again.
     */
    private static double cpSeconds(Path source, Path target, boolean durable) throws IOException, InterruptedException {
        warmPages(source, Files.size(source));
        long t0 = System.nanoTime();
        run("cp", source.toString(), target.toString());
        if (durable) {
            run("sync", target.toString());
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Files.delete(target);
        return seconds;
    }

    /**
     * Writes and deletes as many bytes as the next step writes, just before it: on this project's virtual machines
     * the first touch of memory the guest has not used lately is slow (a 1 GiB dd into the page cache: 3.9 s, then
     * 0.21 s once the pages of a deleted file are free again, 5 December 2026), and without this whichever step came
     * first paid for everyone (Files.copy 178-217 MB/s, then cp 2 700-3 600 MB/s into the pages it freed).
     */
    private static void warmPages(Path beside, long bytes) throws IOException {
        Path scratch = beside.resolveSibling(beside.getFileName() + ".scratch");
        byte[] zeros = new byte[1024 * 1024];
        try (OutputStream out = Files.newOutputStream(scratch)) {
            for (long written = 0; written < bytes; written += zeros.length) {
                out.write(zeros);
            }
        }
        Files.delete(scratch);
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new AssertionError(command[0] + " answered " + p.exitValue());
        }
    }

    private static void deleteQuietly(Path file) throws IOException {
        Files.deleteIfExists(file);
    }
}
