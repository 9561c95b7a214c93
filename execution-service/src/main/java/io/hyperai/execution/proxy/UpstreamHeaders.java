package io.hyperai.execution.proxy;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;

/** What a request carries to the workspace, beyond what the user sent. */
public final class UpstreamHeaders {

    private UpstreamHeaders() {
    }

    /**
     * The workspace sees its own token (so Jupyter lets the request in, and, since it is token-authenticated, skips its
     * XSRF and Origin checks: the proxy checks Origin itself) and never the proxy's cookie.
     */
    static void rewrite(MultiMap headers, String token) {
        String cookies = WorkspaceCookie.without(headers.getAll(HttpHeaders.COOKIE));
        headers.remove(HttpHeaders.COOKIE);
        if (cookies != null) {
            headers.set(HttpHeaders.COOKIE, cookies);
        }
        headers.set(HttpHeaders.AUTHORIZATION, "token " + token);
    }

    /**
     * A request to the workspace's socket with {@code Host: localhost}. The user's Host is not kept: Jupyter started
     * without {@code allow_remote_access} refuses (403) a Host that is not local, and it uses Host for nothing else
     * (its redirects and {@code Location} headers are paths).
     */
    public static RequestOptions to(SocketAddress address) {
        return new RequestOptions().setServer(address).setHost("localhost").setPort(80);
    }
}
