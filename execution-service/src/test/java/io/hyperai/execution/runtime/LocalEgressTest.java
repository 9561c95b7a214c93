package io.hyperai.execution.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.hyperai.execution.ExecutionState;
import io.hyperai.execution.config.LocalEgress;

/**
 * Local executions with internet egress ({@code hyperai.execution.local-egress=internet}): the sandbox gets a
 * default route through slirp4netns, and still no way to the host's loopback, neither its own 127.0.0.1 (which is
 * the sandbox's) nor slirp's alias of the host (10.0.2.2). Only loopback addresses are tried.
 */
class LocalEgressTest extends LocalRuntimeFixture {

    @Override
    Map<String, Object> extraConfig() {
        return Map.of("localEgress", LocalEgress.INTERNET);
    }

    @BeforeEach
    void slirp4netns() {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/slirp4netns")), "slirp4netns is not installed");
    }

    @Test
    void aScriptGetsARouteOutButNotTheHostsLoopback() throws Exception {
        try (ServerSocket host = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = host.getLocalPort();
            Launch launch = script("cat /proc/net/route /etc/resolv.conf; python3 -c \"\nimport socket\n"
                    + "for a in ['127.0.0.1', '10.0.2.2']:\n try:\n  socket.create_connection((a, " + port
                    + "), timeout=3); print('open', a)\n except OSError as e: print('blocked', a)\n\"", 256, 1,
                    List.of());
            assertThat(run(launch).state()).isEqualTo(ExecutionState.SUCCEEDED);
            String out = output(launch);
            assertThat(out).as("a default route through slirp4netns's interface").containsPattern("tap0\\s+00000000");
            assertThat(out).contains("nameserver 10.0.2.3");
            assertThat(out).contains("blocked 127.0.0.1").contains("blocked 10.0.2.2").doesNotContain("open ");
            host.setSoTimeout(200);
            assertThatThrownBy(host::accept).as("nothing reached the host's listener")
                    .isInstanceOf(SocketTimeoutException.class);
        }
        await().atMost(WAIT).until(() -> ProcessHandle.current().children()
                .noneMatch(p -> p.info().command().orElse("").contains("slirp4netns")));
    }
}
