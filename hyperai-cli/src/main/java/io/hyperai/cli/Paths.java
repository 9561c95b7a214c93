package io.hyperai.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** URL path pieces from what users type. */
final class Paths {

    private Paths() {
    }

    /** One path segment; an empty one would name another resource (the list instead of an item), so it is refused. */
    static String segment(String value) {
        if (value == null || value.isBlank()) {
            throw CliException.usage("an id must not be empty");
        }
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A file path inside a version: each segment encoded, the slashes kept. */
    static String filePath(String path) {
        StringBuilder out = new StringBuilder();
        for (String part : path.split("/")) {
            if (!part.isEmpty()) {
                out.append(out.length() == 0 ? "" : "/").append(segment(part));
            }
        }
        return out.toString();
    }
}
