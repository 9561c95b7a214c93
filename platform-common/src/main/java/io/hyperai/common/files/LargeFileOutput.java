package io.hyperai.common.files;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.jboss.logging.Logger;

import com.sun.nio.file.ExtendedOpenOption;

/**
 * A new file, hashed as it is written, and written around the page cache (O_DIRECT) once it fills {@link #CHUNK}: an
 * upload is forced to disk before it commits anyway, and writing gigabytes through the cache costs the kernel a
 * fresh page for every 4 KiB first (on this project's virtual machines a 1 GiB write and fsync took 2.6 s, 2 s of it
 * in the kernel; written directly 0.6-0.9 s, 0.2 s in the kernel) and pushes out what other users read. Each full
 * chunk is hashed on one thread and written on another while the next ones fill (up to {@link #IN_FLIGHT} behind): a
 * direct write waits for the device, and SHA-256 costs as much as all the rest of an upload's work, so the writer
 * thread only parses and copies, and the hash does not wait for the device (nor the device for the hash).
 * A smaller file, the common case of a version of many files, is hashed and written the ordinary way at its close,
 * where {@link DiskSync} forces many at once. Where the file system refuses O_DIRECT (or its blocks do not divide
 * {@link #ALIGNMENT}) large files go through the cache the same way. One writer per file.
 */
final class LargeFileOutput extends OutputStream {

    /** Bytes held before the file is opened, and written per direct write: a multiple of any block size. */
    static final int CHUNK = 1024 * 1024;
    private static final int ALIGNMENT = 4096;
    /** Buffers kept for the next files (direct memory is freed only by the garbage collector). */
    private static final BlockingQueue<ByteBuffer> SPARE = new ArrayBlockingQueue<>(16);
    /** Full chunks per file hashed and written while the next fills: the device and the hash may lag a little. */
    private static final int IN_FLIGHT = 3;
    /** Chunks are hashed and written on these: up to two threads per file being written. */
    private static final ExecutorService CHUNKS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "large-file-chunk");
        t.setDaemon(true);
        return t;
    });
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    private static final Logger LOG = Logger.getLogger(LargeFileOutput.class);
    private static volatile boolean directRefused;

    private final Path target;
    private final MessageDigest digest;
    /** The chunk being filled. */
    private ByteBuffer filling;
    /** Full chunks being hashed and written, oldest first (empty until the file outgrows one chunk). */
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    private FileChannel channel;
    private boolean direct;
    private long size;
    private boolean closed;

    private record InFlight(ByteBuffer chunk, CompletableFuture<Void> hashed, CompletableFuture<Void> written) {
    }

    /** A file that must not exist yet; its bytes go through {@code digest} too, in order. */
    LargeFileOutput(Path target, MessageDigest digest) {
        this.target = target;
        this.digest = digest;
        this.filling = buffer();
    }

    /** Whether the file went around the page cache (known once it filled a chunk). */
    boolean direct() {
        return direct;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int n = Math.min(len, filling.remaining());
            filling.put(b, off, n);
            off += n;
            len -= n;
            size += n;
            if (!filling.hasRemaining()) {
                if (channel == null) {
                    open();
                }
                ByteBuffer chunk = filling.flip();
                // the hash reads a view of its own (the write moves the chunk's position); each task follows the
                // previous chunk's of its kind, so both keep the file's order (none in flight: all are done)
                ByteBuffer toHash = chunk.duplicate();
                InFlight previous = inFlight.peekLast();
                CompletableFuture<Void> hashed = (previous == null ? DONE : previous.hashed())
                        .thenRunAsync(() -> digest.update(toHash), CHUNKS);
                CompletableFuture<Void> written = (previous == null ? DONE : previous.written()).thenRunAsync(() -> {
                    try {
                        write(chunk);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }, CHUNKS);
                inFlight.add(new InFlight(chunk, hashed, written));
                filling = null; // in flight now: if the wait below fails, close() must not take it as its own
                filling = inFlight.size() < IN_FLIGHT ? buffer() : awaitOldest().clear().limit(CHUNK);
            }
        }
    }

    /** Once closed, the digest holds every byte written. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            while (!inFlight.isEmpty()) {
                release(awaitOldest());
            }
            if (filling == null) {
                throw new IOException("an earlier write to " + target + " failed");
            }
            int tail = filling.position();
            if (channel == null) {
                // the whole file fits in one chunk: the ordinary way
                channel = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                hashAndWrite(filling.flip(), tail);
            } else if (tail > 0) {
                // a direct write covers whole blocks: the last one padded with zeros, then cut back to the size
                int end = direct ? (tail + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT : tail;
                filling.limit(end);
                while (filling.hasRemaining()) {
                    filling.put((byte) 0);
                }
                hashAndWrite(filling.flip(), tail);
                channel.truncate(size);
            }
        } finally {
            release(filling);
            // after a failure: what no task reads any more (one still running keeps its buffer)
            inFlight.stream().filter(f -> f.hashed().isDone() && f.written().isDone())
                    .forEach(f -> release(f.chunk()));
            if (channel != null) {
                channel.close();
            }
        }
    }

    /** The first {@code bytes} of {@code chunk} into the digest, then the whole chunk to the file. */
    private void hashAndWrite(ByteBuffer chunk, int bytes) throws IOException {
        digest.update(chunk.duplicate().limit(bytes));
        write(chunk);
    }

    private void write(ByteBuffer chunk) throws IOException {
        while (chunk.hasRemaining()) {
            channel.write(chunk);
        }
    }

    /** Waits until the oldest chunk in flight is hashed and written, and takes it off the list. */
    private ByteBuffer awaitOldest() throws IOException {
        InFlight oldest = inFlight.peek();
        try {
            oldest.hashed().get();
            oldest.written().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing " + target);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof UncheckedIOException u ? u.getCause() : e.getCause();
            throw cause instanceof IOException io ? io : new IOException(cause);
        }
        return inFlight.poll().chunk();
    }

    private void open() throws IOException {
        if (!directRefused && alignedBlocks()) {
            try {
                channel = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                        ExtendedOpenOption.DIRECT);
                direct = true;
                return;
            } catch (FileAlreadyExistsException e) {
                throw e;
            } catch (UnsupportedOperationException | IOException e) {
                // refused by the file system (EINVAL), which may have created the file first
                directRefused = true;
                LOG.infof("writing files without O_DIRECT: %s refused it (%s)", target.getParent(), e.toString());
                Files.deleteIfExists(target);
            }
        }
        channel = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    /** Whether the file system's blocks divide {@link #ALIGNMENT} (not so for NFS's, say, of a megabyte). */
    private boolean alignedBlocks() throws IOException {
        long block = Files.getFileStore(target.getParent()).getBlockSize();
        return block > 0 && ALIGNMENT % block == 0;
    }

    private static ByteBuffer buffer() {
        ByteBuffer spare = SPARE.poll();
        ByteBuffer b = spare != null ? spare : ByteBuffer.allocateDirect(CHUNK + ALIGNMENT).alignedSlice(ALIGNMENT);
        return b.clear().limit(CHUNK);
    }

    /** A buffer no task reads any more back to the spares. */
    private static void release(ByteBuffer b) {
        if (b != null) {
            SPARE.offer(b);
        }
    }
}
