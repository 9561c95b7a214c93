package io.hyperai.common.files;

import static org.assertj.core.api.Assertions.assertThat;
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

/** The multipart reader against bodies whose boundaries fall anywhere in the network's pieces. */
class MultipartStreamTest {

    private static final String BOUNDARY = "----bound7";

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
            List<MultipartStream.Part> read = new ArrayList<>();
            List<byte[]> got = new ArrayList<>();
            MultipartStream stream = new MultipartStream(chopped(body, random), BOUNDARY);
            for (MultipartStream.Part p = stream.next(); p != null; p = stream.next()) {
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
                + "\r\nabc\r\n--" + BOUNDARY + "--\r\nepilogue";
        MultipartStream stream = new MultipartStream(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)),
                MultipartStream.boundary("multipart/form-data; boundary=\"" + BOUNDARY + "\""));
        MultipartStream.Part note = stream.next();
        assertThat(note.name()).isEqualTo("note");
        assertThat(note.fileName()).isNull();
        MultipartStream.Part file = stream.next();
        assertThat(file.fileName()).isEqualTo("naïve.txt");
        assertThat(note.body().read()).isEqualTo(-1);
        assertThat(new String(file.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("abc");
        assertThat(stream.next()).isNull();
    }

    @Test
    void whatIsNotMultipartIsABadRequest() {
        assertThatThrownBy(() -> new MultipartStream(new ByteArrayInputStream("not multipart at all".getBytes()),
                BOUNDARY).next()).isInstanceOfSatisfying(ProblemException.class, p -> assertThat(p.status())
                        .isEqualTo(400));
        byte[] cut = body(List.of(new byte[1000]), "");
        assertThatThrownBy(() -> {
            MultipartStream stream = new MultipartStream(new ByteArrayInputStream(cut, 0, cut.length - 20), BOUNDARY);
            stream.next().body().readAllBytes();
        }).isInstanceOf(ProblemException.class).hasMessageContaining("ends before its closing boundary");
        assertThatThrownBy(() -> new MultipartStream(InputStream.nullInputStream(), null))
                .isInstanceOf(ProblemException.class).hasMessageContaining("boundary");
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
