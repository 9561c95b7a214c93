package io.hyperai.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import org.junit.jupiter.api.Test;

class PortsTest {

    @Test
    void portsChosenTogetherAreDistinctAndFree() throws IOException {
        List<Integer> ports = Ports.freePorts(32);
        assertThat(new HashSet<>(ports)).hasSize(32);
        List<ServerSocket> bound = new ArrayList<>();
        try {
            for (int port : ports) {
                ServerSocket socket = new ServerSocket();
                bound.add(socket);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            }
        } finally {
            for (ServerSocket socket : bound) {
                socket.close();
            }
        }
        assertThat(bound).hasSize(32);
    }
}
