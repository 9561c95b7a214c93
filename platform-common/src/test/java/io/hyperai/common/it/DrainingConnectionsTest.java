package io.hyperai.common.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A stopping instance (the shutdown delay has begun) closes each kept-alive connection after its next answer, so a
 * caller's pooled connection moves to a ready instance instead of meeting the final close.
 */
@QuarkusTest
class DrainingConnectionsTest {

    @Inject
    Event<ShutdownDelayInitiatedEvent> shutdownDelay;

    @TestHTTPResource("/")
    URL url;

    @Test
    void onceTheShutdownDelayBeginsEveryAnswerClosesItsConnection() throws IOException {
        try (Socket socket = new Socket("localhost", url.getPort())) {
            socket.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.ISO_8859_1));
            OutputStream out = socket.getOutputStream();

            List<String> serving = exchange(in, out);
            assertThat(serving.get(0)).contains(" 200");
            assertThat(serving).noneMatch(h -> h.toLowerCase(Locale.ROOT).startsWith("connection: close"));

            shutdownDelay.fire(new ShutdownDelayInitiatedEvent());

            // the same connection, kept alive so far
            List<String> draining = exchange(in, out);
            assertThat(draining.get(0)).contains(" 200");
            assertThat(draining).anyMatch(h -> h.equalsIgnoreCase("connection: close"));
            assertThat(in.read()).as("the server closed the connection after its answer").isEqualTo(-1);
        }
    }

    /** One GET on the connection; the status line and headers of its answer (the body is read and dropped). */
    private static List<String> exchange(BufferedReader in, OutputStream out) throws IOException {
        out.write("GET /q/health/live HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        List<String> head = new ArrayList<>();
        int length = 0;
        boolean chunked = false;
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
            head.add(line);
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
            chunked |= lower.startsWith("transfer-encoding:") && lower.contains("chunked");
        }
        if (chunked) {
            for (int size = Integer.parseInt(in.readLine().trim(), 16); size > 0;
                    size = Integer.parseInt(in.readLine().trim(), 16)) {
                in.skip(size);
                in.readLine();
            }
            in.readLine();
        } else {
            in.skip(length);
        }
        return head;
    }
}
