package io.hyperai.warehouse.files;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.hyperai.common.files.StagedUpload;
import io.hyperai.common.files.UploadStager;
import io.hyperai.common.files.UploadedPart;
import io.hyperai.common.rest.StreamedBody;
import io.hyperai.warehouse.config.WarehouseConfig;

/**
 * The files of versions on disk, under the configured storage root. Staging, archive checks and
 * publishing are the shared {@link UploadStager}'s. Everything here blocks: call it on a worker.
 */
@ApplicationScoped
public class VersionFiles {

    public static final String QUOTA_EXCEEDED = UploadStager.QUOTA_EXCEEDED;

    private final WarehouseConfig config;
    private final UploadStager stager;

    public VersionFiles(WarehouseConfig config) {
        this.config = config;
        this.stager = new UploadStager(config.storageRoot(), config.maxFilesPerVersion());
    }

    public Path root() {
        return stager.root();
    }

    public Path resolve(String storagePath) {
        return stager.resolve(storagePath);
    }

    public Path fileOf(String storagePath, String relative) {
        return stager.fileOf(storagePath, relative);
    }

    public StagedUpload stage(List<UploadedPart> parts, boolean unpack, long limitBytes) {
        return stager.stage(parts, unpack, limitBytes);
    }

    /** A multipart body staged while it is read ({@link UploadStager#stage(StreamedBody, boolean, long)}). */
    public StagedUpload stage(StreamedBody body, boolean unpack, long limitBytes) throws IOException {
        return stager.stage(body, unpack, limitBytes);
    }

    public void publish(Path staged, Path target) {
        stager.publish(staged, target);
    }

    public void deleteQuietly(Path dir) {
        stager.deleteQuietly(dir);
    }

    public int sweepStaging() {
        return stager.sweepStaging(config.stagingMaxAge());
    }

    public static List<Path> contents(Path dir) {
        return UploadStager.contents(dir);
    }
}
