package io.hyperai.cli;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code .hyperaiignore}: gitignore-like lines. {@code #} starts a comment; {@code !} re-includes;
 * a trailing {@code /} matches directories only; a pattern with a {@code /} other than a trailing
 * one is anchored at the folder being uploaded, else it matches a name at any depth; {@code *} and
 * {@code ?} stay within one path segment, {@code **} crosses them, {@code [...]} is a character class.
 * The last matching line decides; what is inside an ignored directory is ignored. {@code .git} is
 * always left out.
 */
public final class IgnoreRules {

    public static final String FILE_NAME = ".hyperaiignore";

    private record Rule(Pattern pattern, boolean negated, boolean directoryOnly) {
    }

    private final List<Rule> rules = new ArrayList<>();

    public static IgnoreRules parse(List<String> lines) {
        IgnoreRules rules = new IgnoreRules();
        for (String raw : lines) {
            String line = raw.stripTrailing();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            boolean negated = line.startsWith("!");
            if (negated) {
                line = line.substring(1);
            }
            if (line.startsWith("\\#") || line.startsWith("\\!")) {
                line = line.substring(1);
            }
            boolean directoryOnly = line.endsWith("/");
            if (directoryOnly) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.isEmpty()) {
                continue;
            }
            boolean anchored = line.contains("/");
            if (line.startsWith("/")) {
                line = line.substring(1);
            }
            String regex = (anchored ? "" : "(?:.*/)?") + glob(line);
            rules.rules.add(new Rule(Pattern.compile(regex), negated, directoryOnly));
        }
        return rules;
    }

    /** The rules of {@code <root>/.hyperaiignore}, or none. */
    public static IgnoreRules of(Path root) {
        Path file = root.resolve(FILE_NAME);
        try {
            return parse(Files.isRegularFile(file) ? Files.readAllLines(file) : List.of());
        } catch (IOException e) {
            throw new CliException("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** @param path relative to the root, {@code /}-separated */
    public boolean ignored(String path, boolean directory) {
        for (String segment : path.split("/")) {
            if (segment.equals(".git")) {
                return true;
            }
        }
        boolean ignored = false;
        for (Rule rule : rules) {
            if ((!rule.directoryOnly() || directory) && rule.pattern().matcher(path).matches()) {
                ignored = !rule.negated();
            }
        }
        return ignored;
    }

    /** The files under {@code root} to upload, by path relative to it, sorted. */
    public List<Multipart.FilePart> collect(Path root) {
        List<Multipart.FilePart> files = new ArrayList<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    return dir.equals(root) || !ignored(relative(root, dir), true) ? FileVisitResult.CONTINUE
                            : FileVisitResult.SKIP_SUBTREE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    String name = relative(root, file);
                    if (attrs.isRegularFile() && !ignored(name, false)) {
                        files.add(new Multipart.FilePart(name, file, attrs.size()));
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new CliException("cannot read " + root + ": " + e.getMessage());
        }
        files.sort(Comparator.comparing(Multipart.FilePart::name));
        return files;
    }

    static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
    }

    static String glob(String glob) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                boolean slashAfter = i + 2 < glob.length() && glob.charAt(i + 2) == '/';
                regex.append(slashAfter ? "(?:.*/)?" : ".*");
                i += slashAfter ? 2 : 1;
            } else if (c == '*') {
                regex.append("[^/]*");
            } else if (c == '?') {
                regex.append("[^/]");
            } else if (c == '[') {
                int end = glob.indexOf(']', i + 2);
                if (end < 0) {
                    regex.append("\\[");
                } else {
                    String set = glob.substring(i + 1, end).replace("\\", "\\\\");
                    if (set.startsWith("!")) {
                        set = "^" + set.substring(1);
                    }
                    regex.append('[').append(set).append(']');
                    i = end;
                }
            } else if (c == '\\' && i + 1 < glob.length()) {
                regex.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return regex.toString();
    }
}
