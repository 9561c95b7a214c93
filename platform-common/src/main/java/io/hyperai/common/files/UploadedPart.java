package io.hyperai.common.files;

import java.nio.file.Path;

/** A file part of a multipart upload, already written to disk by the HTTP layer. */
public record UploadedPart(String fileName, Path file, long size) {

    /** The one multipart convention of code and data uploads, for their API descriptions. */
    public static final String CONVENTION = "A `multipart/form-data` body of file parts, conventionally all named"
            + " `files` (any part name is accepted): each part's file name is its path, or one .tar, .tar.gz/.tgz or"
            + " .zip archive that is unpacked unless `unpack=false`.";
}
