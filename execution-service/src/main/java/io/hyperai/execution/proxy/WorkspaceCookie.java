package io.hyperai.execution.proxy;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cookie that stands in for the token after the first visit. Its value is an HMAC of the execution id keyed with
 * the token, not the token: the token stays out of the browser's cookie store, and a leaked cookie (a pasted request,
 * a log of headers) is no token: it cannot be replayed as {@code ?token=} or {@code Authorization: token} or handed
 * to a Jupyter client. Yet the proxy needs no secret of its own (restarts and several replicas of the service agree,
 * nothing to configure or rotate), and the cookie is worthless once the workspace and its token are gone.
 */
final class WorkspaceCookie {

    static final String NAME = "hyperai-workspace";
    private static final String LABEL = "hyperai-workspace-cookie:";

    private WorkspaceCookie() {
    }

    static String value(String executionId, String token) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(token.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal((LABEL + executionId).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /**
     * Scoped to the workspace's path; HttpOnly, so no script reads it; SameSite=Lax, so no other site's page sends
     * it along with a request that changes something; a session cookie, gone with the browser session.
     */
    static String setCookie(String executionId, String token, boolean secure) {
        return NAME + "=" + value(executionId, token) + "; Path=" + WorkspacePath.base(executionId)
                + "; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "");
    }

    /** The values of every workspace cookie in these {@code Cookie} headers. */
    static List<String> values(List<String> cookieHeaders) {
        List<String> values = new ArrayList<>();
        for (String header : cookieHeaders) {
            for (String pair : header.split(";")) {
                String trimmed = pair.trim();
                if (trimmed.startsWith(NAME + "=")) {
                    values.add(trimmed.substring(NAME.length() + 1));
                }
            }
        }
        return values;
    }

    /** These {@code Cookie} headers without the workspace cookie (Jupyter's own stay); null when none is left. */
    static String without(List<String> cookieHeaders) {
        List<String> kept = new ArrayList<>();
        for (String header : cookieHeaders) {
            for (String pair : header.split(";")) {
                String trimmed = pair.trim();
                if (!trimmed.isEmpty() && !trimmed.startsWith(NAME + "=")) {
                    kept.add(trimmed);
                }
            }
        }
        return kept.isEmpty() ? null : String.join("; ", kept);
    }
}
