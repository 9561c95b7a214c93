package io.hyperai.common.files;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.commons.fileupload2.core.AbstractFileUpload;
import org.apache.commons.fileupload2.core.DiskFileItem;
import org.apache.commons.fileupload2.core.DiskFileItemFactory;
import org.apache.commons.fileupload2.core.FileItemHeaders;
import org.apache.commons.fileupload2.core.RequestContext;
import org.jboss.logging.Logger;

import io.hyperai.common.problem.ProblemException;

/**
 * A {@code multipart/form-data} body (RFC 7578, framed as RFC 2046 says) read part after part while it arrives: each
 * part's bytes are a stream that ends at the next delimiter, so a file goes from the connection to its own file
 * without being held whole anywhere or written to a temporary file first. Blocking: read it on a worker thread.
 * <p>
 * The framing is ours, the header decoding Apache Commons FileUpload's (folded lines, quoted and RFC 2231/2047
 * encoded file names). FileUpload's own stream looks for the delimiter byte by byte through a KMP table and bounded
 * uploads at about 400 MB/s of parsing (127 MB/s with the services' C1-only JIT); here a part's bytes are scanned for
 * the delimiter's first byte only, a CR, and compared where one is: the delimiter holds no other CR, so each byte is
 * looked at about once, whatever a client sends. Whatever a client sends wrong is a 400 problem on
 * {@link EntryPaths#FIELD}, never a 500.
 */
public final class MultipartParts {

    /** One part: its form field name and file name (null for a plain form field) and its bytes. */
    public record Part(String name, String fileName, InputStream body) {
    }

    /**
     * The most bytes of one part's headers. FileUpload's default (512) is less than a file name may be (up to
     * {@link EntryPaths#MAX_LENGTH} characters, each up to 4 bytes in UTF-8, and quoted).
     */
    static final int MAX_PART_HEADER_BYTES = 16 * 1024;
    /** RFC 2046 allows 70 characters; a longer boundary is refused rather than searched for. */
    private static final int MAX_BOUNDARY = 200;
    /** Transport padding allowed after a delimiter (RFC 2046: linear white space before its CRLF). */
    private static final int MAX_PADDING = 256;
    private static final int BUFFER = 64 * 1024;
    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte[] HEADERS_END = {CR, LF, CR, LF};
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long CRS = ONES * CR;
    private static final Logger LOG = Logger.getLogger(MultipartParts.class);

    private final InputStream in;
    private final long maxParts;
    private final HeaderDecoder decoder = new HeaderDecoder();
    /** CRLF "--" boundary: what ends a part (and, at the body's start, the preamble). */
    private final byte[] delimiter;
    private final byte[] buf = new byte[BUFFER + MAX_PART_HEADER_BYTES];
    private int pos;
    private int limit;
    private boolean eof;
    private long parts;
    private PartBody current;
    private boolean closed;

    /**
     * The parts of {@code body}, whose Content-Type is {@code contentType}, at most {@code maxParts} of them (form
     * fields included). Sizes are not limited here: the caller counts the bytes against the quota, and the HTTP layer
     * the body against its largest size.
     */
    public MultipartParts(InputStream body, String contentType, long maxParts) {
        if (contentType == null || !contentType.strip().toLowerCase(Locale.ROOT).startsWith("multipart/")) {
            throw malformed("it is not multipart (Content-Type: " + contentType + ")");
        }
        byte[] boundary = boundary(contentType);
        if (boundary == null || boundary.length == 0) {
            throw malformed("its Content-Type names no boundary");
        }
        if (boundary.length > MAX_BOUNDARY) {
            throw malformed("its boundary is longer than " + MAX_BOUNDARY + " characters");
        }
        this.in = body;
        this.maxParts = maxParts;
        this.delimiter = new byte[boundary.length + 4];
        delimiter[0] = CR;
        delimiter[1] = LF;
        delimiter[2] = '-';
        delimiter[3] = '-';
        System.arraycopy(boundary, 0, delimiter, 4, boundary.length);
        // a body may open with its first delimiter: read as if a line break came before it; the preamble, if any,
        // is then skipped like the rest of a part nobody reads
        buf[0] = CR;
        buf[1] = LF;
        limit = 2;
        current = new PartBody();
    }

    /**
     * The next part, its headers read; null after the closing delimiter. What is left of the previous part is skipped,
     * and so are parts without a field name (RFC 7578 requires one), as FileUpload's own parser did.
     */
    public Part next() throws IOException {
        while (!closed) {
            boolean preamble = parts == 0;
            if (!current.skipRest(preamble)) {
                // a body without a single delimiter holds no parts
                closed = true;
                return null;
            }
            if (!ensure(2)) {
                throw ended();
            }
            if (buf[pos] == '-' && buf[pos + 1] == '-') {
                closed = true;
                return null;
            }
            skipPadding();
            if (++parts > maxParts) {
                throw malformed("it has more than " + maxParts + " parts");
            }
            Part part = part(headers());
            current = (PartBody) part.body();
            if (part.name() != null) {
                return part;
            }
        }
        return null;
    }

    /** A part from its headers: its field name and its file name as sent (EntryPaths judges that). */
    private Part part(FileItemHeaders headers) {
        try {
            String type = headers.getHeader(AbstractFileUpload.CONTENT_TYPE);
            if (type != null && type.strip().toLowerCase(Locale.ROOT).startsWith(AbstractFileUpload.MULTIPART_MIXED)) {
                throw malformed("a part is itself multipart/mixed, which RFC 7578 retired: send each file as a part");
            }
            return new Part(decoder.getFieldName(headers), decoder.getFileName(headers), new PartBody());
        } catch (ProblemException e) {
            throw e;
        } catch (RuntimeException e) {
            // FileUpload's decoding of what a client wrote (a broken encoded word, say)
            throw malformed(e);
        }
    }

    /** After a delimiter: spaces and tabs, then the CRLF that ends its line. */
    private void skipPadding() throws IOException {
        for (int skipped = 0; ; skipped++) {
            if (!ensure(2)) {
                throw ended();
            }
            if (buf[pos] == CR && buf[pos + 1] == LF) {
                return;
            }
            if ((buf[pos] != ' ' && buf[pos] != '\t') || skipped == MAX_PADDING) {
                throw malformed("a delimiter is followed by something other than a line break");
            }
            pos++;
        }
    }

    /** The part's headers, from the CRLF that ends the delimiter's line to the empty line after them. */
    private FileItemHeaders headers() throws IOException {
        int searched = 0;
        while (true) {
            int end = indexOf(HEADERS_END, pos + searched, limit);
            if (end >= 0) {
                if (end - pos - 2 > MAX_PART_HEADER_BYTES) {
                    throw headersTooLong();
                }
                String block = new String(buf, pos + 2, end + HEADERS_END.length - pos - 2, StandardCharsets.UTF_8);
                pos = end + HEADERS_END.length;
                try {
                    return decoder.getParsedHeaders(block);
                } catch (RuntimeException e) {
                    throw malformed(e);
                }
            }
            searched = Math.max(0, limit - pos - HEADERS_END.length + 1);
            if (limit - pos - 2 > MAX_PART_HEADER_BYTES) {
                throw headersTooLong();
            }
            if (!fill()) {
                throw ended();
            }
        }
    }

    /** At least {@code n} bytes from {@code pos} in the buffer; false when the body ends before. */
    private boolean ensure(int n) throws IOException {
        while (limit - pos < n) {
            if (!fill()) {
                return false;
            }
        }
        return true;
    }

    /** Moves what is unread to the buffer's start and reads more behind it; false at the body's end. */
    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        int n;
        do {
            n = in.read(buf, limit, buf.length - limit);
        } while (n == 0);
        if (n < 0) {
            eof = true;
            return false;
        }
        limit += n;
        return true;
    }

    /** Where {@code pattern} starts in {@code buf[from, to)}, whole; -1 when nowhere. */
    private int indexOf(byte[] pattern, int from, int to) {
        for (int i = from; i + pattern.length <= to; i++) {
            if (buf[i] == pattern[0] && Arrays.equals(buf, i, i + pattern.length, pattern, 0, pattern.length)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The first index in {@code [from, to)} where the delimiter may start: it is there whole, or its start fills the
     * buffer to the end so that the next bytes decide; {@code to} when nowhere. Only CRs are candidates, found eight
     * bytes at a time.
     */
    private int delimiterCandidate(int from, int to) {
        int i = from;
        while (i < to) {
            i = nextCr(i, to);
            if (i == to) {
                return to;
            }
            int n = Math.min(delimiter.length, limit - i);
            // a CR as the last byte buffered may start the delimiter; otherwise an LF must follow before it can
            if (n == 1 || (buf[i + 1] == LF && Arrays.equals(buf, i, i + n, delimiter, 0, n))) {
                return i;
            }
            i++;
        }
        return to;
    }

    /** The first CR in {@code [from, to)}, or {@code to}: a word's bytes that equal CR found at once (SWAR). */
    private int nextCr(int from, int to) {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long x = (long) LONGS.get(buf, i) ^ CRS;
            long found = (x - ONES) & ~x & HIGHS;
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (buf[i] == CR) {
                return i;
            }
        }
        return to;
    }

    private static ProblemException headersTooLong() {
        return malformed("a part's headers are longer than " + MAX_PART_HEADER_BYTES + " bytes");
    }

    private static ProblemException ended() {
        return malformed("the body ended unexpectedly, inside a part or its headers");
    }

    private static ProblemException malformed(Exception e) {
        LOG.debugf("malformed multipart body: %s", e.toString());
        return malformed(String.valueOf(e.getMessage()));
    }

    private static ProblemException malformed(String why) {
        return ProblemException.invalid(EntryPaths.FIELD, "the body is not multipart/form-data: " + why);
    }

    private byte[] boundary(String contentType) {
        try {
            return decoder.getBoundary(contentType);
        } catch (RuntimeException e) {
            throw malformed(e);
        }
    }

    /** A part's bytes, up to the delimiter that ends it. */
    private final class PartBody extends InputStream {
        private boolean done;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            int n = take(len, false);
            if (n < 0) {
                return -1;
            }
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            int skipped = take((int) Math.min(n, Integer.MAX_VALUE), false);
            if (skipped < 0) {
                return 0;
            }
            pos += skipped;
            return skipped;
        }

        /**
         * Reads and drops the rest of the part; true once its delimiter is passed, false when the body ends first
         * (allowed for the preamble: a body with no delimiter at all).
         */
        boolean skipRest(boolean preamble) throws IOException {
            while (true) {
                int n = take(BUFFER, preamble);
                if (n == -1) {
                    return true;
                }
                if (n == -2) {
                    return false;
                }
                pos += n;
            }
        }

        /**
         * How many of the next bytes (up to {@code max}) belong to the part, reading more when the buffered ones do
         * not decide; -1 at its delimiter (then passed), and -2 at the body's end when {@code endOk}.
         */
        private int take(int max, boolean endOk) throws IOException {
            if (done) {
                return -1;
            }
            while (true) {
                int candidate = delimiterCandidate(pos, Math.min(limit, pos + max));
                if (candidate > pos) {
                    return candidate - pos;
                }
                if (candidate == pos && pos < limit && limit - pos >= delimiter.length) {
                    pos += delimiter.length;
                    done = true;
                    return -1;
                }
                // nothing buffered, or only what may be the delimiter's start
                if (!fill()) {
                    if (endOk) {
                        done = true;
                        return -2;
                    }
                    throw ended();
                }
            }
        }
    }

    /** FileUpload, used for its header decoding only: nothing here is parsed, kept in memory or written by it. */
    private static final class HeaderDecoder extends AbstractFileUpload<RequestContext, DiskFileItem, DiskFileItemFactory> {

        HeaderDecoder() {
            setHeaderCharset(StandardCharsets.UTF_8);
        }

        @Override
        public List<DiskFileItem> parseRequest(RequestContext request) {
            throw new UnsupportedOperationException("parts are framed by MultipartParts");
        }

        @Override
        public Map<String, List<DiskFileItem>> parseParameterMap(RequestContext request) {
            throw new UnsupportedOperationException("parts are framed by MultipartParts");
        }
    }
}
