package io.hyperai.cli;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.UUID;

/**
 * A {@code multipart/form-data} body of files, streamed from disk with a known length: each part
 * is named {@code field} and its file name is the file's path in the upload.
 */
public final class Multipart {

    /** One file: its path in the upload ({@code a/b.txt}) and where it is on disk. */
    public record FilePart(String name, Path file, long size) {
        public static FilePart of(String name, Path file) {
            try {
                return new FilePart(name, file, Files.size(file));
            } catch (IOException e) {
                throw new CliException("cannot read " + file + ": " + e.getMessage());
            }
        }
    }

    private final String field;
    private final List<FilePart> files;
    private final String boundary = "hyperai-" + UUID.randomUUID();
    private final Progress progress;

    public Multipart(String field, List<FilePart> files, Progress progress) {
        this.field = field;
        this.files = List.copyOf(files);
        this.progress = progress;
    }

    public String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    public long totalFileBytes() {
        return files.stream().mapToLong(FilePart::size).sum();
    }

    public long contentLength() {
        long length = closing().length;
        for (FilePart f : files) {
            length += header(f).length + f.size() + 2;
        }
        return length;
    }

    public HttpRequest.BodyPublisher publisher() {
        return HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(this::stream),
                contentLength());
    }

    /** The whole body; each file is opened only when its turn comes. */
    InputStream stream() {
        List<Object> pieces = new ArrayList<>();
        for (FilePart f : files) {
            pieces.add(header(f));
            pieces.add(f);
            pieces.add("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        pieces.add(closing());
        Iterator<Object> it = pieces.iterator();
        return new SequenceInputStream(new Enumeration<InputStream>() {
            @Override
            public boolean hasMoreElements() {
                return it.hasNext();
            }

            @Override
            public InputStream nextElement() {
                if (!it.hasNext()) {
                    throw new NoSuchElementException();
                }
                Object piece = it.next();
                if (piece instanceof byte[] bytes) {
                    return new ByteArrayInputStream(bytes);
                }
                FilePart f = (FilePart) piece;
                try {
                    return counted(Files.newInputStream(f.file()));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + f.file(), e);
                }
            }
        });
    }

    private InputStream counted(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0 && progress != null) {
                    progress.advance(1);
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0 && progress != null) {
                    progress.advance(n);
                }
                return n;
            }
        };
    }

    private byte[] header(FilePart f) {
        String name = f.name().replace("\\", "\\\\").replace("\"", "\\\"").replaceAll("[\\r\\n]", "_");
        return ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\"" + name
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8);
    }

    private byte[] closing() {
        return ("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
    }
}
