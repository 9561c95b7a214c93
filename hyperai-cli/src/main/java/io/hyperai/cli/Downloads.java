package io.hyperai.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Files chosen by path and fetched into a folder: a version's (data download) or a saved output's (output get). */
final class Downloads {

    private Downloads() {
    }

    /** The listed paths that are wanted (all of them when none is named); a named path not listed fails with {@code missing}. */
    static List<String> choose(List<String> listed, List<String> wanted, Function<String, String> missing) {
        List<String> paths = new ArrayList<>();
        for (String path : listed) {
            if (wanted.isEmpty() || wanted.contains(path)) {
                paths.add(path);
            }
        }
        for (String w : wanted) {
            if (!paths.contains(w)) {
                throw new CliException(missing.apply(w));
            }
        }
        return paths;
    }

    /** Downloads each path from {@code url(path)} into {@code root}, never outside it; the bytes written. */
    static long fetch(Api api, String service, Path root, List<String> paths, Function<String, String> url,
            Progress.Factory progress) {
        long bytes = 0;
        for (String path : paths) {
            Path target = root.resolve(path).normalize();
            if (!target.startsWith(root)) {
                throw new CliException("refusing to write outside " + root + ": " + path);
            }
            bytes += api.download(service, url.apply(path), target, progress, path);
        }
        return bytes;
    }
}
