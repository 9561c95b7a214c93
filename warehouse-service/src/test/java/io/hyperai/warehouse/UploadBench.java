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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/**
 * Not a test (the name keeps it out of the build): upload throughput in MB/s beside a plain file copy of the same bytes
 * ({@code cp} in its own process, into the file's folder, on the disk the test's storage root is on; alone, and then
 * {@code sync} of the copy), taken in turn {@code bench.rounds} times (default 5) and given as medians, and the peak
 * heap while uploading; Java's {@code Files.copy} once, beside them. Before them, warm-up uploads of a quarter of the
 * size ({@code bench.warm-ups}, default 8, each one's figure printed). Each step writes into memory just freed by a
 * scratch file of its size ({@link #warmPages}). Run:
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

        String user = newUser();
        String token = token(user);
        String id = create(token, "datasets", "bench");
        // warm-up uploads of a quarter of the size first (JIT, connections, prepared statements), as the other
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
        // warehouse-service's C2 takes a method at ten times the JVM's default counts (a faster start), so the code
        // that runs once per network buffer (64 KiB) is compiled by C2 only after some gigabytes: each warm-up's
        // figure is printed, to see the measured upload come after they have levelled off
        List<String> warmUps = new ArrayList<>();
        for (int i = 0; i < Integer.getInteger("bench.warm-ups", 8); i++) {
            long w = System.nanoTime();
            upload(token, id, warmUp);
            warmUps.add(String.format(Locale.ROOT, "%.0f", bytes / 4 / 1e6 / ((System.nanoTime() - w) / 1e9)));
        }
        System.out.printf("warm-up uploads of %.0f MB: %s MB/s%n", bytes / 4 / 1e6, String.join(", ", warmUps));
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
        // upload and copies taken turn about, several times: this machine's disk and CPU move by 10-20 % from one
        // minute to the next, and a ratio of medians taken side by side is steadier than one of single runs
        int rounds = Integer.getInteger("bench.rounds", 5);
        List<Double> uploads = new ArrayList<>();
        List<Double> cps = new ArrayList<>();
        List<Double> durableCps = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            warmPages(file, bytes);
            long t1 = System.nanoTime();
            upload(token, id, file);
            uploads.add((System.nanoTime() - t1) / 1e9);
            cps.add(cpSeconds(file, file.resolveSibling(file.getFileName() + ".cp"), false));
            // the upload forces its file to disk before it commits: the like-for-like copy is cp, then sync of it
            durableCps.add(cpSeconds(file, file.resolveSibling(file.getFileName() + ".cp"), true));
        }
        uploading.set(false);
        sampler.join();

        double mb = bytes / 1e6;
        double upload = mb / median(uploads);
        double cp = mb / median(cps);
        double durableCp = mb / median(durableCps);
        System.out.printf("upload of %.0f MB, median of %d: %.1f MB/s (%s; plain file copy %.1f MB/s)%n", mb, rounds,
                upload, rates(mb, uploads), mb / copySeconds);
        System.out.printf("heap: %.0f MB before, peak %.0f MB during the uploads (max %.0f MB); used heap, garbage"
                + " included%n", heapBefore / 1e6, peak.get() / 1e6, memory.getHeapMemoryUsage().getMax() / 1e6);
        System.out.printf("cp of the same bytes: %.1f MB/s (%s), then sync: %.1f MB/s (%s)%n", cp, rates(mb, cps),
                durableCp, rates(mb, durableCps));
        // machine-readable lines for bench/run-all.sh: BENCH|name|figure|unit|baseline|ratio|note
        System.out.printf(Locale.ROOT, "BENCH|upload, one file of %.0f MB, median of %d|%.1f|MB/s|%.1f|%.2f|cp of the"
                + " same file on the same disk (both from the page cache, no fsync), taken in turn with the uploads;"
                + " uploads %s MB/s; Java Files.copy %.1f MB/s%n", mb, rounds, upload, cp, upload / cp,
                rates(mb, uploads), mb / copySeconds);
        System.out.printf(Locale.ROOT, "BENCH|upload, one file of %.0f MB, beside a durable copy, median of %d|%.1f|MB/s"
                + "|%.1f|%.2f|cp of the same file, then sync of the copy (the upload forces its file to disk before it"
                + " commits); copies %s MB/s%n", mb, rounds, upload, durableCp, upload / durableCp,
                rates(mb, durableCps));
        System.out.printf(Locale.ROOT, "BENCH|upload, peak heap during the %.0f MB uploads|%.0f|MB|-|-|%.0f MB before, max"
                + " %.0f MB; used heap, garbage included%n", mb, peak.get() / 1e6, heapBefore / 1e6,
                memory.getHeapMemoryUsage().getMax() / 1e6);
        deleteQuietly(file);
    }

    private static double median(List<Double> seconds) {
        List<Double> sorted = new ArrayList<>(seconds);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    /** Each run's MB/s, in the order taken. */
    private static String rates(double mb, List<Double> seconds) {
        return String.join(", ", seconds.stream().map(t -> String.format(Locale.ROOT, "%.0f", mb / t)).toList());
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
