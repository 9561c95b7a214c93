package io.hyperai.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** New connections take turns among the instances, skip one that does not accept, and carry bytes both ways. */
class RoundRobinTest {

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    @Test
    void connectionsTakeTurnsAndAGoneInstanceIsSkipped() throws Exception {
        Named a = named("a");
        Named b = named("b");
        RoundRobin rr = RoundRobin.start(0, List.of(a.port(), b.port()));
        closing.add(rr);

        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            answers.add(ask(rr.port(), "hello " + i));
        }
        assertThat(answers).containsExactly("a: hello 0", "b: hello 1", "a: hello 2", "b: hello 3");

        a.close(); // a dies: nothing listens on its port any more
        for (int i = 0; i < 3; i++) {
            assertThat(ask(rr.port(), "again " + i)).isEqualTo("b: again " + i);
        }

        b.close();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), rr.port())) {
            s.setSoTimeout(10_000); // an answer that never comes fails the test rather than hanging the build
            assertThat(s.getInputStream().read()).as("nobody accepts: the connection is closed").isEqualTo(-1);
        }
    }

    @Test
    void closingAllOnTheNextRequestDropsEveryConnectionWithThatRequestUnanswered() throws Exception {
        Named a = named("a");
        RoundRobin rr = RoundRobin.start(0, List.of(a.port()));
        closing.add(rr);
        try (Socket idle = new Socket(InetAddress.getLoopbackAddress(), rr.port());
                Socket asking = new Socket(InetAddress.getLoopbackAddress(), rr.port())) {
            idle.setSoTimeout(10_000);
            asking.setSoTimeout(10_000);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> rr.connections() == 2);

            rr.closeAllOnNextRequest();
            asking.getOutputStream().write("lost\n".getBytes(StandardCharsets.UTF_8));
            asking.getOutputStream().flush();
            assertThat(endOf(asking)).as("the request's own connection, unanswered").isTrue();
            assertThat(endOf(idle)).as("the other, idle connection").isTrue();
        }
        assertThat(ask(rr.port(), "after")).as("a new connection passes through again").isEqualTo("a: after");
    }

    /** Whether the connection was closed under the reader (an end of stream, or a reset), not answered. */
    private static boolean endOf(Socket s) {
        try {
            return s.getInputStream().read() == -1;
        } catch (java.net.SocketException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void aLargeExchangeArrivesWhole() throws Exception {
        Named a = named("a");
        RoundRobin rr = RoundRobin.start(0, List.of(a.port()));
        closing.add(rr);
        String big = "x".repeat(1_000_000);
        assertThat(ask(rr.port(), big)).isEqualTo("a: " + big);
    }

    @Test
    void anInstanceThatSaysItIsNotReadyGetsNoNewConnectionsWhileAnotherIs() throws Exception {
        HttpInstance a = http("a");
        HttpInstance b = http("b");
        RoundRobin rr = RoundRobin.start(0, List.of(a.port(), b.port()), "/ready");
        closing.add(rr);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> {
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (int i = 0; i < 4; i++) {
                seen.add(get(rr.port()));
            }
            return seen.equals(java.util.Set.of("a", "b"));
        });

        a.ready = false; // a is shutting down: it still serves, but says it is not ready
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> {
            for (int i = 0; i < 4; i++) {
                if (!get(rr.port()).equals("b")) {
                    return false;
                }
            }
            return true;
        });
        for (int i = 0; i < 6; i++) {
            assertThat(get(rr.port())).isEqualTo("b");
        }

        b.ready = false; // nobody ready: whoever accepts still serves
        Thread.sleep(600);
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < 4; i++) {
            seen.add(get(rr.port()));
        }
        assertThat(seen).containsExactlyInAnyOrder("a", "b");
    }

    /** GET / over HTTP/1.0 (one connection per request), the body. */
    private static String get(int port) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            return response.substring(response.indexOf("\r\n\r\n") + 4);
        }
    }

    /** An HTTP server that answers / with its name and /ready with 200 or 503. */
    private HttpInstance http(String name) throws IOException {
        HttpInstance instance = new HttpInstance(com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
        instance.server.createContext("/ready", x -> {
            x.sendResponseHeaders(instance.ready ? 200 : 503, -1);
            x.close();
        });
        instance.server.createContext("/", x -> {
            byte[] body = name.getBytes(StandardCharsets.US_ASCII);
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        instance.server.start();
        closing.add(() -> instance.server.stop(0));
        return instance;
    }

    private static final class HttpInstance {
        final com.sun.net.httpserver.HttpServer server;
        volatile boolean ready = true;

        HttpInstance(com.sun.net.httpserver.HttpServer server) {
            this.server = server;
        }

        int port() {
            return server.getAddress().getPort();
        }
    }

    private static String ask(int port, String line) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
        }
    }

    /** A server that answers each line with its name. */
    private Named named(String name) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))
                            .readLine();
                    PrintWriter w = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8);
                    w.println(name + ": " + line);
                } catch (IOException e) {
                    // closed
                }
            }
        });
        t.setDaemon(true);
        t.start();
        Named n = new Named(server, t);
        closing.add(n);
        return n;
    }

    private record Named(ServerSocket server, Thread acceptor) implements AutoCloseable {
        int port() {
            return server.getLocalPort();
        }

        /**
         * Closed once its thread has left accept(): a listening socket closed under a thread blocked in accept() stays
         * open in the kernel until that thread wakes, and took one more connection in a CI run (which then hung).
         */
        @Override
        public void close() throws IOException {
            server.close();
            try {
                acceptor.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
