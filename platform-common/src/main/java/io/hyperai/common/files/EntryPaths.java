package io.hyperai.common.files;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

import io.hyperai.common.problem.ProblemException;

/**
 * The names files may have inside a version: relative, '/'-separated, no {@code ..}, no control
 * characters. Anything else is refused with a problem that names the entry.
 */
public final class EntryPaths {

    public static final int MAX_LENGTH = 1024;
    public static final String FIELD = "files";

    private EntryPaths() {
    }

    /** The normalised path of an entry, or empty for an entry that names the version's root itself. */
    public static Optional<String> normalise(String what, String name) {
        if (name == null || name.isEmpty()) {
            throw refused(what, String.valueOf(name), "has no name");
        }
        if (name.chars().anyMatch(c -> Character.isISOControl(c))) {
            throw refused(what, name, "has control characters in its name");
        }
        if (name.startsWith("/") || name.startsWith("\\") || name.matches("^[A-Za-z]:.*")) {
            throw refused(what, name, "is an absolute path");
        }
        if (name.indexOf('\\') >= 0) {
            throw refused(what, name, "has a backslash in its name");
        }
        StringBuilder out = new StringBuilder();
        for (String segment : name.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                throw refused(what, name, "leaves the version (..)");
            }
            if (out.length() > 0) {
                out.append('/');
            }
            out.append(segment);
        }
        if (out.length() > MAX_LENGTH) {
            throw refused(what, name, "has a path longer than " + MAX_LENGTH + " characters");
        }
        return out.length() == 0 ? Optional.empty() : Optional.of(out.toString());
    }

    /**
     * Where a link at {@code linkPath} pointing to {@code target} leads, relative to the version's root
     * ({@code relativeToRoot}: the target is from the root, as tar hard links are); refused when it leads
     * outside the version.
     */
    public static String linkTarget(String linkPath, String target, boolean relativeToRoot) {
        if (target == null || target.isEmpty()) {
            throw refused("archive entry", linkPath, "is a link without a target");
        }
        if (target.startsWith("/") || target.startsWith("\\") || target.matches("^[A-Za-z]:.*")) {
            throw refused("archive entry", linkPath, "is a link to an absolute path outside the version");
        }
        Deque<String> segments = new ArrayDeque<>();
        if (!relativeToRoot) {
            String[] parts = linkPath.split("/");
            for (int i = 0; i < parts.length - 1; i++) {
                segments.addLast(parts[i]);
            }
        }
        for (String segment : target.replace('\\', '/').split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (segments.isEmpty()) {
                    throw refused("archive entry", linkPath, "is a link that points outside the version");
                }
                segments.removeLast();
            } else {
                segments.addLast(segment);
            }
        }
        if (segments.isEmpty()) {
            throw refused("archive entry", linkPath, "is a link to the version's root");
        }
        return String.join("/", segments);
    }

    public static ProblemException refused(String what, String name, String reason) {
        return ProblemException.invalid(FIELD, what + " '" + printable(name) + "' " + reason);
    }

    static String printable(String name) {
        StringBuilder b = new StringBuilder();
        name.codePoints().limit(200).forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        if (name.length() > 200) {
            b.append("...");
        }
        return b.toString();
    }
}
