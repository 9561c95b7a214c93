package io.hyperai.common.files;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.jboss.logging.Logger;

import com.sun.nio.file.ExtendedOpenOption;

/**
 * A new file, hashed as it is written, and written around the page cache (O_DIRECT) once it fills {@link #CHUNK}: an
 * upload is forced to disk before it commits anyway, and writing gigabytes through the cache costs the kernel a
 * fresh page for every 4 KiB first (on this project's virtual machines a 1 GiB write and fsync took 2.6 s, 2 s of it
 * in the kernel; written directly 0.6-0.9 s, 0.2 s in the kernel) and pushes out what other users read. Each full
 * chunk is hashed and written on a thread of its own while the next one fills: a direct write waits for the device,
 * and SHA-256 costs as much as all the rest of an upload's work, so the writer thread only parses and copies.
 * A smaller file, the common case of a version of many files, is hashed and written the ordinary way at its close,
 * where {@link DiskSync} forces many at once. Where the file system refuses O_DIRECT (or its blocks do not divide
 * {@link #ALIGNMENT}) large files go through the cache the same way. One writer per file.
 */
final class LargeFileOutput extends OutputStream {

    /** Bytes held before the file is opened, and written per direct write: a multiple of any block size. */
    static final int CHUNK = 1024 * 1024;
    private static final int ALIGNMENT = 4096;
    /** Buffers kept for the next files (direct memory is freed only by the garbage collector). */
    private static final BlockingQueue<ByteBuffer> SPARE = new ArrayBlockingQueue<>(8);
    /** At most one chunk per file in flight: as many threads as files being written at once. */
    private static final ExecutorService CHUNKS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "large-file-chunk");
        t.setDaemon(true);
        return t;
    });
    private static final Logger LOG = Logger.getLogger(LargeFileOutput.class);
    private static volatile boolean directRefused;

    private final Path target;
    private final MessageDigest digest;
    /** The chunk being filled, and the one being hashed and written (null until the file outgrows one chunk). */
    private ByteBuffer filling;
    private ByteBuffer writing;
    private Future<?> written;
    private FileChannel channel;
    private boolean direct;
    private long size;
    private boolean closed;

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
                    writing = buffer();
                }
                ByteBuffer full = filling;
                awaitWritten();
                filling = writing.clear().limit(CHUNK);
                writing = full.flip();
                ByteBuffer chunk = writing;
                written = CHUNKS.submit(() -> {
                    hashAndWrite(chunk, chunk.limit());
                    return null;
                });
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
            awaitWritten();
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
            release(writing);
            if (channel != null) {
                channel.close();
            }
        }
    }

    /** The first {@code bytes} of {@code chunk} into the digest, then the whole chunk to the file. */
    private void hashAndWrite(ByteBuffer chunk, int bytes) throws IOException {
        digest.update(chunk.duplicate().limit(bytes));
        while (chunk.hasRemaining()) {
            channel.write(chunk);
        }
    }

    /** Waits for the chunk being hashed and written. */
    private void awaitWritten() throws IOException {
        if (written == null) {
            return;
        }
        try {
            written.get();
            written = null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing " + target);
        } catch (ExecutionException e) {
            written = null;
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
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

    /** A buffer back to the spares, unless a chunk task may still read it (interrupted while waiting for it). */
    private void release(ByteBuffer b) {
        if (b != null && (b != writing || written == null)) {
            SPARE.offer(b);
        }
    }
}
