package io.hyperai.test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A multipart upload written by hand on a socket to the loopback, so a test controls when the body goes out: it can
 * wait for "100 Continue" (or the refusal that replaces it) before sending a byte, or stop half-way through the body
 * and look at the server's disk.
 */
public final class RawUpload implements AutoCloseable {

    private static final String BOUNDARY = "hyperai-raw-upload-boundary";
    public static final String CONTENT_TYPE = "multipart/form-data; boundary=" + BOUNDARY;
    private static final String TAIL = "\r\n--" + BOUNDARY + "--\r\n";

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final InputStream body;
    private final int bodyLength;
    private int sent;

    /** Sends the request head for one file part of {@code content}; the body waits for {@link #send}. */
    public RawUpload(int port, String path, String token, String fileName, byte[] content, boolean expectContinue)
            throws IOException {
        this(port, path, token, fileName, content.length, new ByteArrayInputStream(content), expectContinue);
    }

    /**
     * The same for {@code size} bytes read from {@code content} as they are sent, for an upload too big to hold in the
     * test's memory (up to 2 GiB: the counts stay ints, as callers compiled before this constructor expect).
     */
    public RawUpload(int port, String path, String token, String fileName, long size, InputStream content,
            boolean expectContinue) throws IOException {
        byte[] part = partHead(fileName);
        byte[] tail = TAIL.getBytes(StandardCharsets.US_ASCII);
        this.body = new SequenceInputStream(new ByteArrayInputStream(part),
                new SequenceInputStream(content, new ByteArrayInputStream(tail)));
        this.bodyLength = Math.toIntExact(part.length + size + tail.length);
        this.socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(30_000);
        this.out = socket.getOutputStream();
        this.in = socket.getInputStream();
        String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAuthorization: Bearer " + token
                + "\r\nContent-Type: " + CONTENT_TYPE + "\r\nContent-Length: " + bodyLength
                + "\r\n" + (expectContinue ? "Expect: 100-continue\r\n" : "") + "\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** The multipart body of one file part named {@code files}, with {@link #CONTENT_TYPE}. */
    public static byte[] body(String fileName, byte[] content) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(partHead(fileName));
        b.writeBytes(content);
        b.writeBytes(TAIL.getBytes(StandardCharsets.US_ASCII));
        return b.toByteArray();
    }

    private static byte[] partHead(String fileName) {
        return ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"" + fileName
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    public int bodyLength() {
        return bodyLength;
    }

    /** Sends the next {@code n} bytes of the body (or what is left). */
    public RawUpload send(int n) throws IOException {
        byte[] chunk = new byte[64 * 1024];
        int left = Math.min(n, bodyLength - sent);
        while (left > 0) {
            int count = body.read(chunk, 0, Math.min(chunk.length, left));
            if (count < 0) {
                throw new IOException("the content ended " + left + " bytes early");
            }
            out.write(chunk, 0, count);
            sent += count;
            left -= count;
        }
        out.flush();
        return this;
    }

    public RawUpload sendRest() throws IOException {
        return send(bodyLength - sent);
    }

    /** How many body bytes this client has sent. */
    public int sent() {
        return sent;
    }

    /** The next response's status line and headers (an interim "100 Continue" is one too). */
    public String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            head.write(c);
            matched = (c == '\r' || c == '\n') ? matched + 1 : 0;
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    /** The status code of a head read by {@link #readHead}. */
    public static int status(String head) {
        String[] parts = head.split(" ", 3);
        return parts.length < 2 ? -1 : Integer.parseInt(parts[1].trim());
    }

    /** The rest of a response whose head said {@code Content-Length}. */
    public String readBody(String head) throws IOException {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                return new String(in.readNBytes(Integer.parseInt(line.substring(15).trim())), StandardCharsets.UTF_8);
            }
        }
        return "";
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
