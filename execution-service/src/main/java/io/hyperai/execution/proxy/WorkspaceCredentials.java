package io.hyperai.execution.proxy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * What a request presents to enter a workspace: the token in the query (a first visit, from the workspace URL the
 * API hands out), in {@code Authorization: token <token>} (Jupyter's clients) or, after the first visit, the
 * workspace cookie. The first of these that is present decides; a wrong one is not made up for by another.
 */
record WorkspaceCredentials(Source source, List<String> values) {

    static final String QUERY_PARAMETER = "token";
    private static final String SCHEME = "token ";

    enum Source {
        QUERY, HEADER, COOKIE
    }

    static Optional<WorkspaceCredentials> of(HttpServerRequest request) {
        List<String> query = queryTokens(request.query());
        if (!query.isEmpty()) {
            return Optional.of(new WorkspaceCredentials(Source.QUERY, query));
        }
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return Optional.of(new WorkspaceCredentials(Source.HEADER,
                    List.of(authorization.substring(SCHEME.length()).trim())));
        }
        List<String> cookies = WorkspaceCookie.values(request.headers().getAll(HttpHeaders.COOKIE));
        return cookies.isEmpty() ? Optional.empty() : Optional.of(new WorkspaceCredentials(Source.COOKIE, cookies));
    }

    /**
     * Whether they prove knowledge of the workspace's token; compared in constant time. Every token in the query must
     * be right; one right cookie among several is enough, since a page on this origin can add cookies of the same name
     * (but cannot read or replace the HttpOnly one).
     */
    boolean prove(String executionId, String token) {
        byte[] expected = bytes(source == Source.COOKIE ? WorkspaceCookie.value(executionId, token) : token);
        boolean any = false;
        boolean all = true;
        for (String value : values) {
            boolean equal = MessageDigest.isEqual(bytes(value), expected);
            any |= equal;
            all &= equal;
        }
        return source == Source.COOKIE ? any : all;
    }

    /** The URI without any {@code token} parameter, the others left exactly as they were sent. */
    static String withoutQueryToken(String uri) {
        int q = uri.indexOf('?');
        if (q < 0) {
            return uri;
        }
        List<String> kept = new ArrayList<>();
        for (String parameter : uri.substring(q + 1).split("&")) {
            if (!parameter.isEmpty() && !QUERY_PARAMETER.equals(name(parameter))) {
                kept.add(parameter);
            }
        }
        return kept.isEmpty() ? uri.substring(0, q) : uri.substring(0, q) + "?" + String.join("&", kept);
    }

    /** Split as {@link #withoutQueryToken} splits ({@code &} only), so what is checked is what is removed. */
    private static List<String> queryTokens(String query) {
        List<String> tokens = new ArrayList<>();
        if (query == null || query.isEmpty()) {
            return tokens;
        }
        for (String parameter : query.split("&")) {
            if (QUERY_PARAMETER.equals(name(parameter))) {
                int eq = parameter.indexOf('=');
                tokens.add(eq < 0 ? "" : QueryStringDecoder.decodeComponent(parameter.substring(eq + 1)));
            }
        }
        return tokens;
    }

    private static String name(String parameter) {
        int eq = parameter.indexOf('=');
        return QueryStringDecoder.decodeComponent(eq < 0 ? parameter : parameter.substring(0, eq));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
