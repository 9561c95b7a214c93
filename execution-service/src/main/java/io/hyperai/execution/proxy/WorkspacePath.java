package io.hyperai.execution.proxy;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /executions/<id>/...}: where a workspace is reached on this service, the same path its Jupyter serves
 * ({@code --NotebookApp.base_url=/executions/<id>/}), so requests go upstream unchanged.
 */
final class WorkspacePath {

    /** What the router sends to the proxy; the handler reads the execution id from the raw path itself. */
    static final String ROUTE = "/executions/[^/]+/.*";

    /**
     * An execution id is a UUID; anything else is no workspace. Keeping to these characters also keeps the id safe
     * in the cookie's {@code Path} attribute and the redirect's {@code Location}.
     */
    private static final Pattern PATH = Pattern.compile("^/executions/([A-Za-z0-9-]{1,64})/");

    private WorkspacePath() {
    }

    /**
     * The execution id of a request's raw path (as sent, not normalized: the raw path is what goes upstream, so the
     * workspace it names is the one that is checked), or null.
     */
    static String executionId(String rawPath) {
        Matcher m = rawPath == null ? null : PATH.matcher(rawPath);
        return m != null && m.find() ? m.group(1) : null;
    }

    /**
     * The path and query the request names, as sent. Built from them rather than taken from the request line, which
     * may also be in absolute form ({@code GET http://host/...}).
     */
    static String target(String rawPath, String query) {
        return query == null ? rawPath : rawPath + "?" + query;
    }

    static String base(String executionId) {
        return "/executions/" + executionId + "/";
    }
}
