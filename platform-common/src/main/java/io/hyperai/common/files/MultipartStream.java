package io.hyperai.common.files;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.jboss.resteasy.reactive.common.headers.HeaderUtil;

import io.hyperai.common.problem.ProblemException;

/**
 * A {@code multipart/form-data} body (RFC 7578) read part after part while it arrives: each part's bytes are a stream
 * that ends at the next boundary, so a file goes from the connection to its own file without being held whole
 * anywhere or written to a temporary file first. The buffer is fixed; boundaries are found with a
 * Boyer-Moore-Horspool search, which looks at a fraction of the bytes. Part names and file names are read as
 * Quarkus REST reads them (its {@link HeaderUtil}), so uploads are named as they were. A body that is not multipart
 * is a 400 problem on {@link EntryPaths#FIELD}. Blocking: read it on a worker thread.
 */
public final class MultipartStream {

    /** One part: its form field name and file name (null for a plain form field) and its bytes. */
    public record Part(String name, String fileName, InputStream body) {
    }

    private static final int BUFFER = 64 * 1024;
    private static final int MAX_HEADERS = 16 * 1024;
    private static final int MAX_BOUNDARY = 200;

    private final InputStream in;
    private final byte[] delimiter;
    private final int[] skip = new int[256];
    private final byte[] buf;
    private int pos;
    private int lim;
    /** Where the current part's bytes end for sure: the delimiter's start when {@code delimiterAt}. */
    private int safeEnd;
    private boolean delimiterAt;
    private boolean inPart;
    private boolean closed;
    /** The stream of the part being read; an earlier part's stream reads nothing more. */
    private PartStream latest;

    public MultipartStream(InputStream in, String boundary) {
        if (boundary == null || boundary.isEmpty() || boundary.length() > MAX_BOUNDARY) {
            throw malformed("its Content-Type has no usable boundary");
        }
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int m = delimiter.length;
        Arrays.fill(skip, m);
        for (int i = 0; i < m - 1; i++) {
            skip[delimiter[i] & 0xff] = m - 1 - i;
        }
        this.buf = new byte[Math.max(BUFFER, 4 * m)];
        // the first delimiter may open the body without the CRLF that precedes every other one
        buf[0] = '\r';
        buf[1] = '\n';
        lim = 2;
        inPart = true;
    }

    /** The boundary of a {@code multipart/form-data} Content-Type, or null. */
    public static String boundary(String contentType) {
        return contentType == null ? null : HeaderUtil.extractQuotedValueFromHeader(contentType, "boundary");
    }

    /** The next part, its headers read; null after the closing boundary. What is left of the previous part is skipped. */
    public Part next() throws IOException {
        if (closed) {
            return null;
        }
        skipRestOfPart();
        // after a delimiter: "--" closes the body, otherwise optional white space and CRLF open a part
        need(2);
        if (buf[pos] == '-' && buf[pos + 1] == '-') {
            closed = true;
            return null;
        }
        while (true) {
            need(1);
            if (buf[pos] != ' ' && buf[pos] != '\t') {
                break;
            }
            pos++;
        }
        need(2);
        if (buf[pos] != '\r' || buf[pos + 1] != '\n') {
            throw malformed("a boundary is not followed by a line break");
        }
        pos += 2;
        String disposition = headers();
        inPart = true;
        safeEnd = pos;
        delimiterAt = false;
        String name = disposition == null ? null : HeaderUtil.extractQuotedValueFromHeader(disposition, "name");
        String fileName = disposition == null || !disposition.startsWith("form-data") ? null
                : HeaderUtil.extractQuotedValueFromHeaderWithEncoding(disposition, "filename");
        latest = new PartStream();
        return new Part(name, fileName, latest);
    }

    /** The part's headers up to the empty line; returns its Content-Disposition. */
    private String headers() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        String disposition = null;
        int total = 0;
        while (true) {
            need(1);
            byte b = buf[pos++];
            if (++total > MAX_HEADERS) {
                throw malformed("a part's headers are longer than " + MAX_HEADERS + " bytes");
            }
            if (b != '\n') {
                line.write(b);
                continue;
            }
            String text = line.toString(StandardCharsets.UTF_8);
            line.reset();
            if (text.endsWith("\r")) {
                text = text.substring(0, text.length() - 1);
            }
            if (text.isEmpty()) {
                return disposition;
            }
            int colon = text.indexOf(':');
            if (colon > 0 && text.substring(0, colon).trim().equalsIgnoreCase("Content-Disposition")) {
                disposition = text.substring(colon + 1).trim();
            }
        }
    }

    private void skipRestOfPart() throws IOException {
        while (inPart) {
            if (pos == safeEnd) {
                if (!advance()) {
                    continue;
                }
            }
            pos = safeEnd;
        }
    }

    /**
     * Moves {@link #safeEnd} forward: to the next delimiter when it is in the buffer, otherwise to where one could
     * begin. Returns false when the part ended here (the delimiter is consumed and {@link #inPart} is false).
     */
    private boolean advance() throws IOException {
        while (true) {
            if (delimiterAt) {
                pos += delimiter.length;
                inPart = false;
                return false;
            }
            int found = search(pos, lim);
            if (found >= 0) {
                safeEnd = found;
                delimiterAt = true;
                if (found == pos) {
                    continue;
                }
                return true;
            }
            if (safeEnd > pos) {
                return true;
            }
            if (!fill()) {
                throw malformed("it ends before its closing boundary");
            }
        }
    }

    /**
     * The first delimiter in {@code [from, to)}, or -1; then {@link #safeEnd} is where a delimiter may begin that the
     * buffer does not yet hold whole.
     */
    private int search(int from, int to) {
        int m = delimiter.length;
        int i = from;
        while (i <= to - m) {
            byte last = buf[i + m - 1];
            if (last == delimiter[m - 1] && matches(i)) {
                return i;
            }
            i += skip[last & 0xff];
        }
        // no delimiter starts before i (Horspool's shifts skip only impossible starts)
        safeEnd = Math.min(i, to);
        return -1;
    }

    private boolean matches(int at) {
        for (int j = 0; j < delimiter.length - 1; j++) {
            if (buf[at + j] != delimiter[j]) {
                return false;
            }
        }
        return true;
    }

    /** At least {@code n} unread bytes in the buffer, or a malformed body. */
    private void need(int n) throws IOException {
        while (lim - pos < n) {
            if (!fill()) {
                throw malformed("it ends before its closing boundary");
            }
        }
    }

    /** Moves the unread bytes to the front and reads more after them; false at the end of the input. */
    private boolean fill() throws IOException {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            safeEnd -= pos;
            lim -= pos;
            pos = 0;
        }
        if (lim == buf.length) {
            return true;
        }
        int n = in.read(buf, lim, buf.length - lim);
        if (n < 0) {
            return false;
        }
        lim += n;
        return true;
    }

    private static ProblemException malformed(String why) {
        return ProblemException.invalid(EntryPaths.FIELD, "the body is not multipart/form-data: " + why);
    }

    /** The current part's bytes, up to the next delimiter. */
    private final class PartStream extends BlockInputStream {

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (!inPart || this != latest) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            if (pos == safeEnd && !advance()) {
                return -1;
            }
            int n = Math.min(len, safeEnd - pos);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            return n;
        }
    }

}
