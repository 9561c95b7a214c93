package io.hyperai.execution.mapping;

/** A file of a saved working directory: its path in the directory and its size. */
public record OutputFileView(String path, long sizeBytes) {
}
