package io.hyperai.common.rest;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayDeque;

import org.jboss.logging.Logger;

import io.hyperai.common.files.BlockInputStream;
import io.hyperai.common.problem.ProblemException;
import io.quarkus.vertx.VertxContextSupport;
import io.quarkus.vertx.http.runtime.VertxHttpRecorder;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * The body of the current request for an endpoint that reads it itself while it arrives, instead of letting Quarkus
 * REST take it first (which, for a multipart form, writes every file to the uploads directory before the endpoint
 * runs, then hands it over one network buffer per worker task): a stream read on a worker thread. The network
 * buffers queue up to {@link #HIGH_WATER} bytes before the request is paused, and it resumes once the reader has
 * taken all but {@link #LOW_WATER}: what is held is bounded whatever the body's size, and the reader and the event
 * loop do not wait on each other buffer by buffer. Created on the event loop (nothing is lost of what arrives from
 * then on); the first read sends "100 Continue" to a client that waits for it. Every way out of the endpoint reads
 * the body to its end ({@link #finish()}), so that the answer reaches a client that is still sending.
 */
public final class StreamedBody {

    static final int HIGH_WATER = 4 * 1024 * 1024;
    static final int LOW_WATER = 1024 * 1024;
    private static final Logger LOG = Logger.getLogger(StreamedBody.class);

    private final HttpServerRequest request;
    /** The connection, as Vert.x and Quarkus's own blocking body stream lock it: one monitor, no lock order to get wrong. */
    private final Object lock;
    private final long timeoutMillis;
    private final long maxBytes;
    private final ArrayDeque<Buffer> queue = new ArrayDeque<>();
    private long queued;
    private long received;
    private boolean paused;
    private boolean ended;
    private Throwable failure;
    private Input input;

    /** On the event loop, before anything else reads the request. */
    public StreamedBody(RoutingContext context, Duration readTimeout) {
        this.request = context.request();
        this.lock = request.connection();
        this.timeoutMillis = readTimeout.toMillis();
        Long limit = context.get(VertxHttpRecorder.MAX_REQUEST_SIZE_KEY);
        this.maxBytes = limit == null ? -1 : limit;
        if (request.isEnded()) {
            ended = true;
            return;
        }
        request.pause();
        paused = true;
        request.handler(this::arrived);
        request.endHandler(v -> end(null));
        request.exceptionHandler(this::end);
    }

    public String contentType() {
        return request.getHeader(HttpHeaders.CONTENT_TYPE);
    }

    /** What reads the body. */
    public interface Reader<T> {
        T read(InputStream body) throws IOException;
    }

    /**
     * On a worker thread: {@code reader} reads the body, then the rest of it is dropped ({@link #finish()}) whether
     * the reader took it all, refused it midway or failed.
     */
    public <T> T read(Reader<T> reader) throws IOException {
        try {
            return reader.read(open());
        } finally {
            finish();
        }
    }

    /** On a worker thread: the body, from its first byte. */
    public InputStream open() {
        synchronized (lock) {
            if (input == null) {
                input = new Input();
                if (request.headers().contains(HttpHeaders.EXPECT, HttpHeaders.CONTINUE, true)) {
                    request.response().writeContinue();
                }
                resumeIfDrained();
            }
            return input;
        }
    }

    /** {@link #finish()} on a worker thread, for an endpoint that refuses the request before reading its body. */
    public Uni<Void> dropped() {
        return VertxContextSupport.executeBlocking(() -> {
            finish();
            return null;
        });
    }

    /**
     * On a worker thread, once the endpoint is done with the body (read whole, or refused): what is left is read and
     * dropped. A client that waits for "100 Continue" and has not had it sends nothing: it is told the connection
     * closes after the answer instead. A body that cannot be read to its end (the client went away, or stopped
     * sending) has broken its connection, which then closes: nobody is left to answer.
     */
    public void finish() {
        synchronized (lock) {
            if (input == null && request.headers().contains(HttpHeaders.EXPECT, HttpHeaders.CONTINUE, true)) {
                request.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
                return;
            }
        }
        try {
            InputStream in = open();
            byte[] drop = new byte[64 * 1024];
            while (in.read(drop) >= 0) {
                // dropped
            }
        } catch (IOException | RuntimeException e) {
            LOG.debugf("the rest of a request body could not be read: %s", e.toString());
        }
    }

    private void arrived(Buffer buffer) {
        synchronized (lock) {
            queue.add(buffer);
            queued += buffer.length();
            received += buffer.length();
            if (queued >= HIGH_WATER && !paused) {
                paused = true;
                request.pause();
            }
            lock.notifyAll();
        }
    }

    private void end(Throwable cause) {
        synchronized (lock) {
            ended = true;
            if (cause != null) {
                failure = cause;
            }
            lock.notifyAll();
        }
    }

    /** Under the lock: lets the network deliver again once the reader has caught up, and it reads. */
    private void resumeIfDrained() {
        if (paused && input != null && queued <= LOW_WATER && !ended) {
            paused = false;
            request.resume();
        }
    }

    /** The next buffer, waiting for it; null at the end of the body. */
    private Buffer take() throws IOException {
        synchronized (lock) {
            return takeLocked();
        }
    }

    private Buffer takeLocked() throws IOException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (queue.isEmpty()) {
            if (failure != null) {
                throw new IOException("the request body could not be read", failure);
            }
            if (ended) {
                return null;
            }
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                // a client that stops sending for this long has left its connection useless
                request.connection().close();
                throw new IOException("no request body arrived for " + timeoutMillis + " ms");
            }
            try {
                lock.wait(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading the request body");
            }
        }
        Buffer next = queue.poll();
        queued -= next.length();
        resumeIfDrained();
        if (maxBytes > 0 && received > maxBytes) {
            request.connection().close();
            throw new ProblemException(413, "payload-too-large", "Payload Too Large",
                    "the body is longer than the " + maxBytes + " bytes this service accepts", null, null);
        }
        return next;
    }

    /** The body as a stream; its bytes are copied once, from the network buffer to the reader's array. */
    private final class Input extends BlockInputStream {
        private Buffer current;
        private int offset;
        private boolean done;

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (current == null || offset == current.length()) {
                if (done) {
                    return -1;
                }
                current = take();
                offset = 0;
                if (current == null) {
                    done = true;
                    return -1;
                }
            }
            int n = Math.min(len, current.length() - offset);
            current.getBytes(offset, offset + n, b, off);
            offset += n;
            return n;
        }
    }
}
