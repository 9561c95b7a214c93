package io.hyperai.launcher;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Finds the ports that something else already uses, before anything is started. */
public final class PortCheck {

    /** A component's port that is taken. */
    public record Conflict(Component component, int port) {
        @Override
        public String toString() {
            return "port " + port + " (" + component.key() + ", " + component.portOption() + " / "
                    + component.portEnv() + ") is already in use";
        }
    }

    private PortCheck() {
    }

    /** The ports among {@code wanted} that cannot be bound right now, in the order given. */
    public static List<Conflict> conflicts(Map<Component, Integer> ports, Collection<Component> wanted) {
        List<Conflict> out = new ArrayList<>();
        for (Component c : wanted) {
            int port = ports.get(c);
            if (inUse(port)) {
                out.add(new Conflict(c, port));
            }
        }
        return out;
    }

    /**
     * Whether the TCP port is taken: something accepts connections on localhost, or the wildcard address cannot be
     * bound (the services and Keycloak listen on all interfaces).
     */
    public static boolean inUse(int port) {
        if (accepts(port)) {
            return true;
        }
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true); // a socket in TIME_WAIT does not make a port unusable
            s.bind(new InetSocketAddress(port), 1);
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** Whether something accepts TCP connections on localhost:port. */
    public static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
