package io.hyperai.common.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP relay in front of a stand-in, playing an instance that stops: once {@link #closeAllOnNextRequest()} is
 * called, the next bytes a caller sends on any connection make it close every connection it holds at the same
 * moment, that request unanswered (what a stopping server does to its kept-alive connections while a request is on
 * its way). After that it relays again, as the next instance would.
 */
final class StoppingInstanceRelay implements AutoCloseable {

    private final ServerSocket server;
    private final int target;
    private final Set<Socket> callers = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean armed = new AtomicBoolean();

    StoppingInstanceRelay(int target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "stopping-instance-relay");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String url() {
        return "http://localhost:" + server.getLocalPort();
    }

    /** Connections callers hold open to it now. */
    int connections() {
        callers.removeIf(Socket::isClosed);
        return callers.size();
    }

    void closeAllOnNextRequest() {
        armed.set(true);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket caller = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                callers.add(caller);
                pump(caller, upstream, true);
                pump(upstream, caller, false);
            } catch (IOException e) {
                // closed
            }
        }
    }

    private void pump(Socket from, Socket to, boolean request) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    if (request && armed.compareAndSet(true, false)) {
                        callers.forEach(StoppingInstanceRelay::closeQuietly);
                        closeQuietly(to);
                        return;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // either side went away
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "stopping-instance-relay-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        callers.forEach(StoppingInstanceRelay::closeQuietly);
    }
}
