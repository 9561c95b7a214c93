package io.hyperai.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server-sent-events reader and the multipart body. */
class StreamsTest {

    @Test
    void eventsJoinTheirDataLines() throws Exception {
        List<String> events = new ArrayList<>();
        Sse.read(new BufferedReader(new StringReader(": hello\ndata:epoch 1\ndata:\n\ndata: loss 0.3\nevent: x\n\ndata:tail")),
                events::add);
        assertThat(events).containsExactly("epoch 1\n", "loss 0.3", "tail");
    }

    @Test
    void theMultipartBodyIsAsLongAsItSays(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.txt"), "hello");
        Files.write(dir.resolve("b.bin"), new byte[10_000]);
        List<Long> progress = new ArrayList<>();
        Progress bar = new Progress(null, "x", 10_005) {
            @Override
            public synchronized void advance(long bytes) {
                progress.add(bytes);
            }
        };
        Multipart body = new Multipart("files", List.of(Multipart.FilePart.of("src/a.txt", dir.resolve("a.txt")),
                Multipart.FilePart.of("b \"q\".bin", dir.resolve("b.bin"))), bar);
        byte[] bytes = body.stream().readAllBytes();
        assertThat((long) bytes.length).isEqualTo(body.contentLength());
        assertThat(progress.stream().mapToLong(Long::longValue).sum()).isEqualTo(10_005);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        assertThat(text).contains("name=\"files\"; filename=\"src/a.txt\"", "filename=\"b \\\"q\\\".bin\"", "\r\n\r\nhello\r\n")
                .endsWith("--\r\n");
        assertThat(body.contentType()).startsWith("multipart/form-data; boundary=hyperai-");
    }
}
