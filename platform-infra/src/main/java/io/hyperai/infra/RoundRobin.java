package io.hyperai.infra;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URL;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A local entry point in front of several instances of one service, on loopback: each new connection goes to the next
 * instance in turn, and to the one after it when that one does not accept (a dead instance costs a client nothing
 * but a connection attempt). Connections are passed through byte for byte (HTTP, WebSocket upgrades and keep-alive
 * alike), so a client's kept-alive connection stays with its instance until that instance goes: then the client's
 * next request opens a new connection and reaches a live one. What a Kubernetes Service does for the cluster, for
 * {@code ./platform up --replicas N} and the tests that run two of everything.
 */
public final class RoundRobin implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RoundRobin.class.getName());
    private static final int CONNECT_TIMEOUT_MILLIS = 1000;

    private final ServerSocket server;
    private final List<Integer> backends;
    private final AtomicInteger next = new AtomicInteger();
    /** The connections passed through now: each client's socket and its instance's. */
    private final Map<Socket, Socket> connections = new ConcurrentHashMap<>();
    private final Thread acceptor;
    private final Set<Integer> unready = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closeAllOnNextRequest = new AtomicBoolean();
    private volatile boolean closed;

    private RoundRobin(int port, List<Integer> backends, String readyPath) throws IOException {
        this.backends = List.copyOf(backends);
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        this.acceptor = new Thread(this::acceptAll, "round-robin-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
        if (readyPath != null) {
            Thread prober = new Thread(() -> probeAll(readyPath), "round-robin-ready-" + server.getLocalPort());
            prober.setDaemon(true);
            prober.start();
        }
    }

    /** Listens on loopback {@code port} (0: any free one) for {@code backends}, loopback ports of the instances. */
    public static RoundRobin start(int port, List<Integer> backends) {
        return start(port, backends, null);
    }

    /**
     * As {@link #start(int, List)}, and new connections go to the instances whose {@code readyPath} (an HTTP GET,
     * e.g. {@code /q/health/ready}) answered 200 at its last probe, four times a second, as a Kubernetes Service
     * follows readiness: an instance that is shutting down says so while it still serves, and gets no new
     * connections. When none is ready, any that accepts is taken.
     */
    public static RoundRobin start(int port, List<Integer> backends, String readyPath) {
        if (backends.isEmpty()) {
            throw new IllegalArgumentException("no instance to send connections to");
        }
        try {
            return new RoundRobin(port, backends, readyPath);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on port " + port, e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    public List<Integer> backends() {
        return backends;
    }

    /** The connections passed through now. */
    public int connections() {
        return connections.size();
    }

    /**
     * Plays an instance that stops with a request on its way (for tests of callers): the next bytes any client sends
     * are not passed on, and every connection closes at that moment, that request unanswered, as a stopping server
     * closes its kept-alive connections all at once. Connections made after it pass through again.
     */
    public void closeAllOnNextRequest() {
        closeAllOnNextRequest.set(true);
    }

    private void acceptAll() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Thread t = new Thread(() -> serve(client), "round-robin-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(Level.WARNING, "accepting failed", e);
                }
            }
        }
    }

    private void serve(Socket client) {
        Socket upstream = connect();
        if (upstream == null) {
            close(client); // no instance accepts: the client sees a closed connection, as with no listener
            return;
        }
        connections.put(client, upstream);
        AtomicInteger directions = new AtomicInteger(2);
        Thread back = new Thread(() -> pump(upstream, client, client, upstream, directions), "round-robin-back");
        back.setDaemon(true);
        back.start();
        pump(client, upstream, client, upstream, directions);
    }

    /** The next ready instance that accepts, trying each once; then any other that accepts. */
    private Socket connect() {
        int start = Math.floorMod(next.getAndIncrement(), backends.size());
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < backends.size(); i++) {
            order.add(backends.get((start + i) % backends.size()));
        }
        order.sort(Comparator.comparing(unready::contains)); // stable: the ready ones first, each group in turn
        for (int port : order) {
            Socket s = new Socket();
            try {
                s.setTcpNoDelay(true);
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), CONNECT_TIMEOUT_MILLIS);
                return s;
            } catch (IOException e) {
                close(s);
            }
        }
        return null;
    }

    /**
     * Copies one direction until it ends and passes the end on (half-close); both sockets close when both directions
     * have ended, or at once when either fails (a killed instance resets its connections).
     */
    private void pump(Socket from, Socket to, Socket client, Socket upstream, AtomicInteger directions) {
        byte[] buffer = new byte[32 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (from == client && closeAllOnNextRequest.compareAndSet(true, false)) {
                    closeAll();
                    return;
                }
                out.write(buffer, 0, n);
                out.flush();
            }
            to.shutdownOutput();
            if (directions.decrementAndGet() > 0) {
                return;
            }
        } catch (IOException e) {
            // reset or closed: the whole connection goes
        }
        connections.remove(client);
        close(client);
        close(upstream);
    }

    /**
     * Every connection, the clients' sockets first: an instance's socket closed first answers its end of stream ("a:
     * null" from a line server), and that answer reached a client not yet closed in one run of ten.
     */
    private void closeAll() {
        Map<Socket, Socket> all = Map.copyOf(connections);
        connections.keySet().removeAll(all.keySet());
        all.keySet().forEach(this::close);
        all.values().forEach(this::close);
    }

    private void probeAll(String readyPath) {
        while (!closed) {
            for (int port : backends) {
                if (ready(port, readyPath)) {
                    unready.remove(port);
                } else {
                    unready.add(port);
                }
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static boolean ready(int port, String path) {
        try {
            HttpURLConnection c = (HttpURLConnection) new URL(
                    "http://127.0.0.1:" + port + path).openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(1000);
            try {
                return c.getResponseCode() == 200;
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }

    private void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        closeAll();
    }
}
