package io.hyperai.common.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.hyperai.common.problem.ProblemException;

/**
 * The multipart framing (ours) and header decoding (Apache Commons FileUpload's, tested upstream): parts that come out
 * whole wherever the network's pieces split the body and whatever pieces of the delimiter their bytes hold, file names
 * as clients send them, and that whatever is refused is a 400 problem, never a 500.
 */
class MultipartPartsTest {

    private static final String BOUNDARY = "----bound7";
    private static final String TYPE = "multipart/form-data; boundary=" + BOUNDARY;

    @Test
    void partsComeOutAsTheyWentInWhereverTheReadsSplitTheBody() throws IOException {
        Random random = new Random(3);
        for (int round = 0; round < 300; round++) {
            List<byte[]> contents = new ArrayList<>();
            int parts = 1 + random.nextInt(4);
            for (int i = 0; i < parts; i++) {
                contents.add(tricky(random, random.nextInt(round % 10 == 0 ? 300_000 : 3_000)));
            }
            byte[] body = body(contents, round % 2 == 0 ? "preamble\r\n" : "");
            List<MultipartParts.Part> read = new ArrayList<>();
            List<byte[]> got = new ArrayList<>();
            MultipartParts stream = parts(chopped(body, random), TYPE);
            for (MultipartParts.Part p = stream.next(); p != null; p = stream.next()) {
                read.add(p);
                got.add(p.body().readAllBytes());
            }
            assertThat(got).hasSize(parts);
            for (int i = 0; i < parts; i++) {
                assertThat(got.get(i)).isEqualTo(contents.get(i));
                assertThat(read.get(i).name()).isEqualTo("files");
                assertThat(read.get(i).fileName()).isEqualTo("dir/f" + i + ".bin");
            }
        }
    }

    @Test
    void anUnreadPartIsSkippedAndFormFieldsHaveNoFileName() throws IOException {
        String body = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\njust text\r\n--"
                + BOUNDARY + "\r\ncontent-disposition: form-data; name=\"files\"; filename*=UTF-8''na%C3%AFve.txt\r\n"
                + "\r\nabc\r\n--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"d/été.txt\"\r\n"
                + "\r\n\r\n--" + BOUNDARY + "--\r\nepilogue";
        MultipartParts stream = parts(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)),
                "multipart/form-data; charset=no-such-charset; boundary=\"" + BOUNDARY + "\"");
        MultipartParts.Part note = stream.next();
        assertThat(note.name()).isEqualTo("note");
        assertThat(note.fileName()).isNull();
        MultipartParts.Part file = stream.next();
        assertThat(file.fileName()).isEqualTo("naïve.txt");
        assertThat(new String(file.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("abc");
        // raw UTF-8 in the header, as curl and browsers send it; an empty part is a file of no bytes
        MultipartParts.Part raw = stream.next();
        assertThat(raw.fileName()).isEqualTo("d/été.txt");
        assertThat(raw.body().readAllBytes()).isEmpty();
        assertThat(stream.next()).isNull();
    }

    @Test
    void aFileNameIsPassedOnAsSentForEntryPathsToJudge() throws IOException {
        String body = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a\u0000b\"\r\n"
                + "\r\nx\r\n--" + BOUNDARY + "--\r\n";
        MultipartParts.Part part = parts(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), TYPE)
                .next();
        assertThat(part.fileName()).isEqualTo("a\u0000b");
        assertThatThrownBy(() -> EntryPaths.normalise("file", part.fileName()))
                .isInstanceOfSatisfying(ProblemException.class, p -> assertThat(p.status()).isEqualTo(400));
    }

    @Test
    void whatIsNotMultipartIsABadRequest() {
        byte[] one = body(List.of(new byte[1000]), "");
        // not multipart, or no boundary: refused before a byte is read
        assertBadRequest(() -> parts(new ByteArrayInputStream(one), "application/json"), "multipart");
        assertBadRequest(() -> parts(new ByteArrayInputStream(one), null), "multipart");
        assertBadRequest(() -> parts(new ByteArrayInputStream(one), "multipart/form-data"), "boundary");
        // a body that ends inside a part, or before its headers end
        assertBadRequest(() -> {
            MultipartParts stream = parts(new ByteArrayInputStream(one, 0, one.length - 20), TYPE);
            stream.next().body().readAllBytes();
        }, "ended unexpectedly");
        assertBadRequest(() -> parts(new ByteArrayInputStream(one, 0, 40), TYPE).next(), "ended unexpectedly");
        // no boundary in the body at all: no parts (the upload then has no files)
        assertThatCode(() -> assertThat(parts(new ByteArrayInputStream("not multipart at all".getBytes()), TYPE)
                .next()).isNull()).doesNotThrowAnyException();
    }

    @Test
    void theLimitsAreOursAndCrossingThemIsABadRequest() throws IOException {
        // headers as long as a file name may be pass; longer ones do not
        String longName = "é".repeat(EntryPaths.MAX_LENGTH);
        MultipartParts.Part part = parts(new ByteArrayInputStream(head(longName, "").getBytes(StandardCharsets.UTF_8)),
                TYPE).next();
        assertThat(part.fileName()).isEqualTo(longName);
        assertBadRequest(() -> parts(new ByteArrayInputStream(head("f", "X-Pad: " + "p".repeat(
                MultipartParts.MAX_PART_HEADER_BYTES) + "\r\n").getBytes(StandardCharsets.UTF_8)), TYPE).next(),
                "headers are longer than " + MultipartParts.MAX_PART_HEADER_BYTES);
        // at most so many parts, form fields included
        List<byte[]> many = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            many.add(new byte[] {(byte) i});
        }
        byte[] body = body(many, "");
        MultipartParts five = new MultipartParts(new ByteArrayInputStream(body), TYPE, 5);
        assertBadRequest(() -> {
            while (five.next() != null) {
                // read on
            }
        }, "more than 5 parts");
        // sizes are not limited here (the quota is counted by the caller)
        byte[] big = body(List.of(new byte[3 * 1024 * 1024]), "");
        assertThat(parts(new ByteArrayInputStream(big), TYPE).next().body().readAllBytes())
                .hasSize(3 * 1024 * 1024);
    }

    @Test
    void headersTheLibraryCannotDecodeAreABadRequestNotAServerError() {
        for (String disposition : List.of("form-data; name=\"files\"; filename=\"=?UTF-8?B?@@@@?=\"",
                "form-data; name=\"files\"; filename*=UTF-8''%", "form-data; name=\"files\"; filename*=x'y'%zz%",
                "form-data; name=\"=?UTF-8?Q?=ZZ?=\"; filename=\"f\"", "form-data; name; filename", ";;;=")) {
            String body = "--" + BOUNDARY + "\r\nContent-Disposition: " + disposition + "\r\n\r\nx\r\n--" + BOUNDARY
                    + "--\r\n";
            assertThatCode(() -> {
                MultipartParts stream = parts(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), TYPE);
                for (MultipartParts.Part p = stream.next(); p != null; p = stream.next()) {
                    p.body().readAllBytes();
                }
            }).as(disposition).satisfiesAnyOf(e -> assertThat(e).isNull(),
                    e -> assertThat(e).isInstanceOfSatisfying(ProblemException.class,
                            p -> assertThat(p.status()).isEqualTo(400)));
        }
    }

    private static MultipartParts parts(InputStream in, String contentType) {
        return new MultipartParts(in, contentType, 100);
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void assertBadRequest(Step step, String detail) {
        assertThatThrownBy(step::run).isInstanceOfSatisfying(ProblemException.class, p -> {
            assertThat(p.status()).isEqualTo(400);
            assertThat(p.getMessage()).containsIgnoringCase(detail);
        });
    }

    private static String head(String fileName, String moreHeaders) {
        return "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"" + fileName
                + "\"\r\n" + moreHeaders + "\r\nx\r\n--" + BOUNDARY + "--\r\n";
    }

    /** Random bytes sprinkled with pieces of the delimiter, which must stay content. */
    private static byte[] tricky(Random random, int size) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        byte[] near = ("\r\n--" + BOUNDARY).getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i + near.length < size; i += 1 + random.nextInt(500)) {
            int k = 1 + random.nextInt(near.length - 1);
            System.arraycopy(near, 0, bytes, i, k);
            bytes[i + k] = (byte) (near[k] ^ 0x55); // a prefix, never the whole delimiter

        }
        return bytes;
    }

    private static byte[] body(List<byte[]> contents, String preamble) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(preamble.getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < contents.size(); i++) {
            b.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"dir/f" + i
                    + ".bin\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            b.writeBytes(contents.get(i));
            b.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        b.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return b.toByteArray();
    }

    /** The body in pieces of random sizes, as a network delivers it. */
    private static InputStream chopped(byte[] body, Random random) {
        return new FilterInputStream(new ByteArrayInputStream(body)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 1 + random.nextInt(random.nextBoolean() ? 20 : 70_000)));
            }
        };
    }
}
