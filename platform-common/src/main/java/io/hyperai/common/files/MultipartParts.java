package io.hyperai.common.files;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.commons.fileupload2.core.AbstractFileUpload;
import org.apache.commons.fileupload2.core.DiskFileItem;
import org.apache.commons.fileupload2.core.DiskFileItemFactory;
import org.apache.commons.fileupload2.core.FileItemInput;
import org.apache.commons.fileupload2.core.FileItemInputIterator;
import org.apache.commons.fileupload2.core.FileUploadException;
import org.apache.commons.fileupload2.core.FileUploadFileCountLimitException;
import org.apache.commons.fileupload2.core.FileUploadSizeException;
import org.apache.commons.fileupload2.core.RequestContext;
import org.jboss.logging.Logger;

import io.hyperai.common.problem.ProblemException;

/**
 * A {@code multipart/form-data} body (RFC 7578) read part after part while it arrives, with Apache Commons
 * FileUpload's streaming API: each part's bytes are a stream that ends at the next boundary, so a file goes from the
 * connection to its own file without being held whole anywhere or written to a temporary file first. What is ours:
 * the request the library reads (the body's stream, its Content-Type and Content-Length), its limits, and that
 * whatever the library refuses or fails to parse in what a client sent is a 400 problem on {@link EntryPaths#FIELD},
 * never a 500. Blocking: read it on a worker thread.
 */
public final class MultipartParts {

    /** One part: its form field name and file name (null for a plain form field) and its bytes. */
    public record Part(String name, String fileName, InputStream body) {
    }

    /**
     * The most bytes of one part's headers. The library's default (512) is less than a file name may be (up to
     * {@link EntryPaths#MAX_LENGTH} characters, each up to 4 bytes in UTF-8, and quoted).
     */
    static final int MAX_PART_HEADER_BYTES = 16 * 1024;

    private static final Logger LOG = Logger.getLogger(MultipartParts.class);

    private final Upload upload = new Upload();
    private final FileItemInputIterator items;
    private final long maxParts;
    private long parts;

    /**
     * The parts of {@code body}, whose Content-Type is {@code contentType} and Content-Length {@code contentLength}
     * (-1 when unknown), at most {@code maxParts} of them (form fields included). Sizes are not limited here: the
     * caller counts the bytes against the quota, and the HTTP layer the body against its largest size.
     */
    public MultipartParts(InputStream body, String contentType, long contentLength, long maxParts)
            throws IOException {
        upload.setHeaderCharset(StandardCharsets.UTF_8);
        upload.setMaxPartHeaderSize(MAX_PART_HEADER_BYTES);
        // 2.0.0-M5 counts parts only in parseRequest, not in the item iterator read here: counted in next() too
        upload.setMaxFileCount(maxParts);
        this.maxParts = maxParts;
        upload.setMaxSize(-1);
        upload.setMaxFileSize(-1);
        this.items = parsed(() -> upload.getItemIterator(new Body(body, contentType, contentLength)));
    }

    /** The next part, its headers read; null after the closing boundary. What is left of the previous part is skipped. */
    public Part next() throws IOException {
        return parsed(() -> {
            if (!items.hasNext()) {
                return null;
            }
            if (++parts > maxParts) {
                throw new FileUploadFileCountLimitException("more parts than " + maxParts, maxParts, parts);
            }
            FileItemInput item = items.next();
            // the file name as sent: EntryPaths judges it (the library's getName() refuses only NUL, as a 500 would)
            String fileName = item.isFormField() ? null : upload.getFileName(item.getHeaders());
            return new Part(item.getFieldName(), fileName, new PartBody(item.getInputStream()));
        });
    }

    private interface Parse<T> {
        T run() throws IOException;
    }

    /** {@code step}, with what the library refuses in the body as a 400 problem. */
    private static <T> T parsed(Parse<T> step) throws IOException {
        try {
            return step.run();
        } catch (FileUploadException e) {
            throw malformed(e);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            // the library's header parsing on what a client wrote (a broken encoded word, say)
            throw malformed(e);
        }
    }

    private static ProblemException malformed(Exception e) {
        LOG.debugf("malformed multipart body: %s", e.toString());
        String why;
        if (e instanceof FileUploadFileCountLimitException count) {
            why = "it has more than " + count.getPermitted() + " parts";
        } else if (e instanceof FileUploadSizeException size) {
            why = "a part's headers are longer than " + size.getPermitted() + " bytes";
        } else {
            why = String.valueOf(e.getMessage());
        }
        return ProblemException.invalid(EntryPaths.FIELD, "the body is not multipart/form-data: " + why);
    }

    /** A part's bytes; a body that breaks off or goes wrong inside a part is a 400 problem too. */
    private static final class PartBody extends FilterInputStream {

        PartBody(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            return parsed(super::read);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return parsed(() -> in.read(b, off, len));
        }

        @Override
        public long skip(long n) throws IOException {
            return parsed(() -> in.skip(n));
        }
    }

    /** The request the library reads: our body, not a servlet's. */
    private record Body(InputStream body, String contentType, long contentLength) implements RequestContext {

        /** Part headers are read as UTF-8 ({@link #MultipartParts}), whatever charset the request names. */
        @Override
        public String getCharacterEncoding() {
            return null;
        }

        @Override
        public long getContentLength() {
            return contentLength;
        }

        @Override
        public String getContentType() {
            return contentType;
        }

        @Override
        public InputStream getInputStream() {
            return body;
        }

        @Override
        public boolean isMultipartRelated() {
            return contentType != null && contentType.strip().toLowerCase(Locale.ROOT).startsWith("multipart/related");
        }
    }

    /** The library's parser, used for its item iterator only: nothing here is kept in memory or written by it. */
    private static final class Upload extends AbstractFileUpload<Body, DiskFileItem, DiskFileItemFactory> {

        @Override
        public FileItemInputIterator getItemIterator(Body request) throws IOException {
            return super.getItemIterator((RequestContext) request);
        }

        @Override
        public List<DiskFileItem> parseRequest(Body request) {
            throw new UnsupportedOperationException("parts are streamed: getItemIterator");
        }

        @Override
        public Map<String, List<DiskFileItem>> parseParameterMap(Body request) {
            throw new UnsupportedOperationException("parts are streamed: getItemIterator");
        }
    }
}
