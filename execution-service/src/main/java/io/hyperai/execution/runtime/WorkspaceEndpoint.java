package io.hyperai.execution.runtime;

import io.vertx.core.net.SocketAddress;

/**
 * Where a running workspace's Jupyter server listens, as only the platform reaches it (a Unix socket inside the
 * local sandbox, the workspace's Service in a cluster), and the token it was started with.
 */
public record WorkspaceEndpoint(SocketAddress address, String token) {
}
