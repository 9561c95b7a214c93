package io.hyperai.common.files;

import java.nio.file.Path;

/** A file part of a multipart upload, already written to disk by the HTTP layer. */
public record UploadedPart(String fileName, Path file, long size) {
}
