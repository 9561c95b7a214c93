package io.hyperai.common.files;

import java.nio.file.Path;
import java.util.List;

/** An upload written, checked and hashed in its staging directory, not yet published. */
public record StagedUpload(Path directory, List<StagedFile> files, long totalBytes) {

    /** {@code path} is relative to the version's directory, '/'-separated. */
    public record StagedFile(String path, long sizeBytes, String sha256) {
    }
}
