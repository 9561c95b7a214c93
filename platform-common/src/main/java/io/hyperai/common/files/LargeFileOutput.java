package io.hyperai.common.files;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import org.jboss.logging.Logger;

import com.sun.nio.file.ExtendedOpenOption;

/**
 * A new file written around the page cache (O_DIRECT) once it fills {@link #CHUNK}: an upload is forced to disk
 * before it commits anyway, and writing gigabytes through the cache costs the kernel a fresh page for every 4 KiB
 * first (on this project's virtual machines a 1 GiB write and fsync took 2.6 s, 2 s of it in the kernel; written
 * directly 0.6-0.9 s, 0.2 s in the kernel) and pushes out what other users read. A direct write waits for the device:
 * chunks are written in the background, one while the next fills, so the writer does not wait for the disk and the
 * disk does not wait for the writer. A smaller file, the common case of a version of many files, is written the
 * ordinary way, where {@link DiskSync} forces many at once. Where the file system refuses O_DIRECT (or its blocks do
 * not divide {@link #ALIGNMENT}) large files are written the same way through the cache. One writer per file.
 */
final class LargeFileOutput extends OutputStream {

    /** Bytes held before the file is opened, and written per direct write: a multiple of any block size. */
    static final int CHUNK = 1024 * 1024;
    private static final int ALIGNMENT = 4096;
    /** Buffers kept for the next files (direct memory is freed only by the garbage collector). */
    private static final BlockingQueue<ByteBuffer> SPARE = new ArrayBlockingQueue<>(8);
    private static final Logger LOG = Logger.getLogger(LargeFileOutput.class);
    private static volatile boolean directRefused;

    private final Path target;
    /** The chunk being filled, and the one being written (null until the file outgrows one chunk). */
    private ByteBuffer filling;
    private ByteBuffer writing;
    private Future<Integer> written;
    private long writtenAt;
    private AsynchronousFileChannel channel;
    private boolean direct;
    private long size;
    private boolean closed;

    /** A file that must not exist yet. */
    LargeFileOutput(Path target) {
        this.target = target;
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
                written = channel.write(writing, writtenAt);
            }
        }
    }

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
                try (FileChannel small = FileChannel.open(target, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE)) {
                    filling.flip();
                    while (filling.hasRemaining()) {
                        small.write(filling);
                    }
                }
            } else if (tail > 0) {
                // a direct write covers whole blocks: the last one padded with zeros, then cut back to the size
                int end = direct ? (tail + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT : tail;
                filling.limit(end);
                while (filling.hasRemaining()) {
                    filling.put((byte) 0);
                }
                writing = filling.flip();
                filling = null;
                written = channel.write(writing, writtenAt);
                awaitWritten();
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

    /** Waits for the chunk being written; a short write (rare, the disk filling up say) is finished here. */
    private void awaitWritten() throws IOException {
        if (written == null) {
            return;
        }
        try {
            while (true) {
                writtenAt += written.get();
                if (!writing.hasRemaining()) {
                    written = null;
                    return;
                }
                written = channel.write(writing, writtenAt);
            }
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
                channel = AsynchronousFileChannel.open(target, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
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
        channel = AsynchronousFileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
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

    /** A buffer back to the spares, unless a write may still read it (the file failed while writing it). */
    private void release(ByteBuffer b) {
        if (b != null && (b != writing || written == null)) {
            SPARE.offer(b);
        }
    }
}
