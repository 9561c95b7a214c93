package io.hyperai.execution.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/** File-system helpers of the local runtime and of working-directory accounting. */
public final class Dirs {

    /** What a bounded {@link #copy(Path, Path, long)} counts for each file or directory besides its bytes. */
    public static final long ENTRY_BYTES = 512;

    private Dirs() {
    }

    /** Bytes of the regular files under {@code dir} (links are not followed); 0 when it does not exist. */
    public static long size(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        AtomicLong total = new AtomicLong();
        try (Stream<Path> files = Files.walk(dir)) {
            files.forEach(p -> {
                try {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    if (a.isRegularFile()) {
                        total.addAndGet(a.size());
                    }
                } catch (IOException e) {
                    // a file that vanished while walking counts as nothing
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return total.get();
    }

    /** Copies the tree under {@code from} into {@code to} (merging), without following links. */
    public static void copy(Path from, Path to) {
        if (!Files.isDirectory(from)) {
            return;
        }
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(target);
                } else if (Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(target.getParent());
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@link #copy(Path, Path)} of at most {@code limit} bytes, where each file and directory costs
     * {@link #ENTRY_BYTES} besides its content (as a tar header does in the save pod's {@code tar | head -c}), so the
     * number of entries is bounded too. Files are copied whole while they fit, in the order the tree is walked; one
     * that would take the copy past the limit is left out and the walk goes on. However large the files say they are
     * (a sparse file of any apparent size included), no more than the limit is written. Returns whether everything
     * was copied.
     */
    public static boolean copy(Path from, Path to, long limit) {
        if (!Files.isDirectory(from)) {
            return true;
        }
        long left = limit;
        boolean all = true;
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                boolean directory = Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS);
                if (!directory && !Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                long cost = ENTRY_BYTES + (directory ? 0 : Files.size(source));
                if (cost > left || (target.getParent() != null && !source.equals(from)
                        && !Files.isDirectory(target.getParent()))) {
                    all = false; // too big, or in a directory that was itself left out
                    continue;
                }
                if (directory) {
                    Files.createDirectories(target);
                    left -= ENTRY_BYTES;
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                    left -= ENTRY_BYTES + Files.size(target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all;
    }

    /** Resident memory of a process and its descendants, from /proc, in KiB. */
    static long residentKib(ProcessHandle process) {
        long total = rss(process.pid());
        for (ProcessHandle child : (Iterable<ProcessHandle>) process.descendants()::iterator) {
            total += rss(child.pid());
        }
        return total;
    }

    private static long rss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // gone
        }
        return 0;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
