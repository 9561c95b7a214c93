package io.hyperai.common.files;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

import org.jboss.logging.Logger;

import com.sun.nio.file.ExtendedOpenOption;

/**
 * A new file written around the page cache (O_DIRECT) once it fills {@link #CHUNK}: an upload is forced to
 * disk before it commits anyway, and writing gigabytes through the cache costs the kernel a fresh page for every 4
 * KiB first (on this project's virtual machines a 1 GiB write and fsync took 2.6 s, 2 s of it in the kernel; written
 * directly 0.6-0.9 s, 0.2 s in the kernel) and pushes out what other users read. A smaller file, the common case of a
 * version of many files, is written the ordinary way: one direct write waits for the device, the page cache does
 * not, and {@link DiskSync} forces many small files at once. Where the file system refuses O_DIRECT (tmpfs, say)
 * every file is written the ordinary way. Not thread-safe: one writer per file.
 */
final class LargeFileOutput extends OutputStream {

    /** Bytes held before the file is opened, and written per direct write: a multiple of any block size. */
    static final int CHUNK = 1024 * 1024;
    private static final int ALIGNMENT = 4096;
    /** Buffers kept for the next files (direct memory is freed only by the garbage collector). */
    private static final BlockingQueue<ByteBuffer> SPARE = new ArrayBlockingQueue<>(4);
    private static final Logger LOG = Logger.getLogger(LargeFileOutput.class);
    private static volatile boolean directRefused;

    private final Path target;
    private ByteBuffer buffer;
    private FileChannel channel;
    private boolean direct;
    private long size;

    /** A file that must not exist yet. */
    LargeFileOutput(Path target) {
        this.target = target;
        ByteBuffer spare = SPARE.poll();
        this.buffer = spare != null ? spare : ByteBuffer.allocateDirect(CHUNK + ALIGNMENT).alignedSlice(ALIGNMENT);
        buffer.clear().limit(CHUNK);
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
            int n = Math.min(len, buffer.remaining());
            buffer.put(b, off, n);
            off += n;
            len -= n;
            size += n;
            if (!buffer.hasRemaining()) {
                if (channel == null) {
                    open();
                }
                drain(buffer.flip());
                buffer.clear().limit(CHUNK);
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (buffer == null) {
            return;
        }
        try {
            if (channel == null) {
                // the whole file fits in one chunk: the ordinary way
                channel = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            }
            int tail = buffer.position();
            if (tail > 0 && direct) {
                // a direct write covers whole blocks: the last one padded with zeros, then cut back to the size
                int padded = (tail + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
                buffer.limit(padded);
                while (buffer.hasRemaining()) {
                    buffer.put((byte) 0);
                }
                drain(buffer.flip());
                channel.truncate(size);
            } else if (tail > 0) {
                drain(buffer.flip());
            }
        } finally {
            ByteBuffer spent = buffer;
            buffer = null;
            SPARE.offer(spent);
            if (channel != null) {
                channel.close();
            }
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

    private void drain(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }
}
