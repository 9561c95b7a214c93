package io.hyperai.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PortCheckTest {

    @Test
    void aListeningPortIsAConflictNamingTheComponentAndItsOption() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int busy = taken.getLocalPort();
            int free;
            try (ServerSocket s = new ServerSocket(0)) {
                free = s.getLocalPort();
            }
            Map<Component, Integer> ports = new EnumMap<>(Component.class);
            ports.put(Component.GEAR, busy);
            ports.put(Component.KAFKA, free);
            List<PortCheck.Conflict> conflicts = PortCheck.conflicts(ports, List.of(Component.GEAR, Component.KAFKA));
            assertThat(conflicts).containsExactly(new PortCheck.Conflict(Component.GEAR, busy));
            assertThat(conflicts.get(0).toString())
                    .contains("port " + busy).contains("--gear-port").contains("HYPERAI_GEAR_PORT");
        }
    }

    @Test
    void aPortBoundOnTheWildcardAddressWithoutAcceptingIsStillInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(0), 1);
            assertThat(PortCheck.inUse(taken.getLocalPort())).isTrue();
        }
    }

    @Test
    void aFreePortIsNotInUse() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        assertThat(PortCheck.inUse(port)).isFalse();
    }
}
