package io.hyperai.common.files;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.jboss.logging.Logger;

import io.hyperai.common.problem.ProblemException;
import io.hyperai.common.rest.StreamedBody;

/**
 * Uploads onto disk, shared by the warehouse (dataset and model versions) and the execution
 * service (code). Everything here blocks: call it on a worker thread, never on the
 * event loop. An upload is staged (moved or unpacked, checked and hashed) in a directory of its own
 * under {@code .staging}; a version becomes visible by renaming that directory into place, so a failed
 * upload leaves nothing behind but a staging directory that is deleted with it.
 */
public class UploadStager {

    public static final String QUOTA_EXCEEDED = "quota-exceeded";
    private static final Logger LOG = Logger.getLogger(UploadStager.class);
    private static final int BUFFER = 64 * 1024;
    /** The parts a multipart body may have beside the files a version may hold: form fields, which are skipped. */
    static final int FORM_FIELDS = 100;

    enum ArchiveKind {
        TAR, TAR_GZ, ZIP
    }

    private final Path root;
    private final int maxFiles;

    /** Stages under {@code root/.staging}; an upload holds at most {@code maxFiles} files. */
    public UploadStager(Path root, int maxFiles) {
        this.root = root.toAbsolutePath().normalize();
        this.maxFiles = maxFiles;
    }

    public Path root() {
        return root;
    }

    /** The directory of a version from its storage path relative to the root. */
    public Path resolve(String storagePath) {
        Path dir = root().resolve(storagePath).normalize();
        if (!dir.startsWith(root()) || dir.equals(root())) {
            throw new IllegalStateException("storage path " + storagePath + " is outside the storage root");
        }
        return dir;
    }

    /** A file of a version; null when the path does not stay inside the version's directory. */
    public Path fileOf(String storagePath, String relative) {
        Path dir = resolve(storagePath);
        Path file = dir.resolve(relative).normalize();
        return file.startsWith(dir) && !file.equals(dir) ? file : null;
    }

    /**
     * Stages an upload: one archive is unpacked (when {@code unpack}), otherwise every part is a file
     * of the version under its (relative) file name. Refuses bad names, unsafe archive entries,
     * corrupt archives, empty uploads and uploads of more than {@code limitBytes}; on any refusal or
     * failure the staging directory is gone before this returns.
     */
    public StagedUpload stage(List<UploadedPart> parts, boolean unpack, long limitBytes) {
        if (parts == null || parts.isEmpty()) {
            throw noFiles();
        }
        return staged(limitBytes, (staging, dir) -> {
            ArchiveKind archive = parts.size() == 1 && unpack ? archiveKind(parts.get(0).fileName()) : null;
            if (archive != null) {
                unpack(parts.get(0), archive, staging);
            } else {
                for (UploadedPart part : parts) {
                    staging.move(fileName(part.fileName()), part.file());
                }
            }
        });
    }

    /**
     * Stages the multipart body of the current request while it arrives ({@link #stage(MultipartParts, boolean,
     * long)}), then drops what is left of it ({@link StreamedBody#read}). Blocking: on a worker thread.
     */
    public StagedUpload stage(StreamedBody body, boolean unpack, long limitBytes) throws IOException {
        return body.read(in -> stage(new MultipartParts(in, body.contentType(), maxFiles + FORM_FIELDS),
                unpack, limitBytes));
    }

    /**
     * Stages a multipart body while it is read, with the same rules as {@link #stage(List, boolean, long)}: each file
     * part is written straight to its place in the staging directory, hashed and counted against {@code limitBytes}
     * as its bytes pass, so the upload is never copied again and one over the limit stops where it crosses it. Only
     * a first file part named like an archive waits in a file beside the staging directory until the body shows
     * whether it is the only one (then it is unpacked) or not (then it is moved to its place). Parts without a file
     * name are form fields, skipped as before.
     */
    public StagedUpload stage(MultipartParts body, boolean unpack, long limitBytes) {
        return staged(limitBytes, (staging, dir) -> {
            Path held = dir.resolveSibling(dir.getFileName() + ".archive");
            String heldName = null;
            long heldSize = 0;
            int fileParts = 0;
            try {
                for (MultipartParts.Part part = body.next(); part != null; part = body.next()) {
                    if (part.fileName() == null) {
                        continue;
                    }
                    fileParts++;
                    if (fileParts == 1 && unpack && archiveKind(part.fileName()) != null) {
                        heldName = part.fileName();
                        heldSize = Files.copy(part.body(), held);
                        continue;
                    }
                    if (heldName != null) {
                        staging.move(fileName(heldName), held);
                        heldName = null;
                    }
                    staging.write(fileName(part.fileName()), part.body());
                }
                if (fileParts == 0) {
                    throw noFiles();
                }
                if (heldName != null) {
                    unpack(new UploadedPart(heldName, held, heldSize), archiveKind(heldName), staging);
                }
            } finally {
                Files.deleteIfExists(held);
            }
        });
    }

    /** What staging does with its directory; may throw anything, after which the directory is gone. */
    private interface StagingWork {
        void run(Staging staging, Path dir) throws IOException;
    }

    private StagedUpload staged(long limitBytes, StagingWork work) {
        Path dir = root().resolve(".staging").resolve(UUID.randomUUID().toString());
        try {
            Files.createDirectories(dir);
            Staging staging = new Staging(dir, limitBytes, maxFiles);
            work.run(staging, dir);
            if (staging.files.isEmpty()) {
                throw ProblemException.invalid(EntryPaths.FIELD, "the upload holds no files");
            }
            if (staging.total == 0) {
                throw ProblemException.invalid(EntryPaths.FIELD, "the upload holds no bytes");
            }
            // its files and the directories that name them, all at once (DiskSync)
            DiskSync.forceTree(dir);
            return new StagedUpload(dir, List.copyOf(staging.files.values()), staging.total);
        } catch (IOException e) {
            deleteQuietly(dir);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            deleteQuietly(dir);
            throw e;
        }
    }

    private static ProblemException noFiles() {
        return ProblemException.invalid(EntryPaths.FIELD, "at least one file is required");
    }

    /** A file part's name as its path in the version, refused as {@link EntryPaths} says. */
    private static String fileName(String name) {
        return EntryPaths.normalise("file", name).orElseThrow(() -> EntryPaths.refused("file", name, "has no name"));
    }

    static ArchiveKind archiveKind(String fileName) {
        String name = fileName == null ? "" : fileName.toLowerCase(Locale.ROOT);
        if (name.endsWith(".tar")) {
            return ArchiveKind.TAR;
        }
        if (name.endsWith(".tar.gz") || name.endsWith(".tgz")) {
            return ArchiveKind.TAR_GZ;
        }
        if (name.endsWith(".zip")) {
            return ArchiveKind.ZIP;
        }
        return null;
    }

    private void unpack(UploadedPart part, ArchiveKind kind, Staging staging) throws IOException {
        String what = kind == ArchiveKind.ZIP ? "zip" : kind == ArchiveKind.TAR ? "tar" : "tar.gz";
        try {
            if (kind == ArchiveKind.ZIP) {
                unzip(part.file(), staging);
            } else {
                untar(part.file(), kind == ArchiveKind.TAR_GZ, staging);
            }
        } catch (ProblemException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            LOG.debugf("unreadable %s archive %s: %s", what, part.fileName(), e);
            throw ProblemException.invalid(EntryPaths.FIELD,
                    "'" + EntryPaths.printable(String.valueOf(part.fileName())) + "' is not a readable " + what + " archive");
        }
    }

    private static void untar(Path archive, boolean gzip, Staging staging) throws IOException {
        try (InputStream file = new BufferedInputStream(Files.newInputStream(archive), BUFFER);
                InputStream raw = gzip ? new GzipCompressorInputStream(file, true) : file;
                TarArchiveInputStream tar = new TarArchiveInputStream(raw)) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                String name = entry.getName();
                var path = EntryPaths.normalise("archive entry", name);
                if (path.isEmpty()) {
                    continue;
                }
                if (entry.isDirectory()) {
                    staging.directory(path.get());
                } else if (entry.isSymbolicLink()) {
                    staging.link(path.get(), EntryPaths.linkTarget(path.get(), entry.getLinkName(), false));
                } else if (entry.isLink()) {
                    staging.link(path.get(), EntryPaths.linkTarget(path.get(), entry.getLinkName(), true));
                } else if (entry.isFile() && !entry.isCharacterDevice() && !entry.isBlockDevice() && !entry.isFIFO()) {
                    staging.write(path.get(), tar);
                } else {
                    throw EntryPaths.refused("archive entry", name, "is neither a file, a directory nor a link");
                }
            }
        }
    }

    private static void unzip(Path archive, Staging staging) throws IOException {
        try (ZipFile zip = ZipFile.builder().setPath(archive).get()) {
            var entries = zip.getEntriesInPhysicalOrder();
            while (entries.hasMoreElements()) {
                ZipArchiveEntry entry = entries.nextElement();
                String name = entry.getName();
                var path = EntryPaths.normalise("archive entry", name);
                if (path.isEmpty()) {
                    continue;
                }
                if (entry.isUnixSymlink()) {
                    staging.link(path.get(), EntryPaths.linkTarget(path.get(), zip.getUnixSymlink(entry), false));
                } else if (entry.isDirectory()) {
                    staging.directory(path.get());
                } else {
                    try (InputStream in = zip.getInputStream(entry)) {
                        staging.write(path.get(), in);
                    }
                }
            }
        }
    }

    /**
     * A published version is read by executions, which run as an unprivileged user of their own; uploads arrive in
     * files only the service may read (0600), so the version's files become 0644 and its directories 0755. What
     * changes is forced to disk (a file written by staging usually has these already).
     */
    private static void readableByAll(Path version) throws IOException {
        try (java.util.stream.Stream<Path> tree = Files.walk(version)) {
            for (Path p : (Iterable<Path>) tree::iterator) {
                if (Files.isSymbolicLink(p)) {
                    continue;
                }
                var wanted = java.nio.file.attribute.PosixFilePermissions.fromString(
                        Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--");
                if (!Files.getPosixFilePermissions(p).equals(wanted)) {
                    Files.setPosixFilePermissions(p, wanted);
                    DiskSync.force(p);
                }
            }
        }
    }

    /**
     * Moves a staged version into its place, durably: when this returns, the rename, the directories made for it and
     * the version's permissions are on disk (its files and directories were as they were staged), so a caller that
     * commits the version afterwards never records one that a crash could take back. When something is already
     * there (left by a process that died between the move and its commit; the caller holds the item's lock and knows
     * no version owns it), it is replaced.
     */
    public void publish(Path staged, Path target) {
        try {
            if (Files.exists(target)) {
                LOG.warnf("replacing orphaned version directory %s", target);
                deleteRecursively(target);
            }
            Path parent = target.getParent();
            Path existing = parent;
            while (!Files.isDirectory(existing)) {
                existing = existing.getParent();
            }
            Files.createDirectories(parent);
            try {
                Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(staged, target);
            }
            readableByAll(target);
            // the directories whose entries changed: the target's parent, each one made for it and the one it was
            // made in, and the staging directory's (a leftover entry there is swept, but costs nothing to sync)
            for (Path dir = parent; ; dir = dir.getParent()) {
                DiskSync.force(dir);
                if (dir.equals(existing)) {
                    break;
                }
            }
            DiskSync.force(staged.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try {
            deleteRecursively(dir);
        } catch (IOException | UncheckedIOException e) {
            LOG.warnf("could not delete %s: %s", dir, e.getMessage());
        }
    }

    /** Deletes staging directories of uploads that died with their process. */
    public int sweepStaging(java.time.Duration maxAge) {
        Path staging = root().resolve(".staging");
        if (!Files.isDirectory(staging)) {
            return 0;
        }
        Instant before = Instant.now().minus(maxAge);
        int swept = 0;
        try (Stream<Path> dirs = Files.list(staging)) {
            for (Path dir : dirs.toList()) {
                FileTime modified = Files.getLastModifiedTime(dir);
                if (modified.toInstant().isBefore(before)) {
                    deleteQuietly(dir);
                    swept++;
                }
            }
        } catch (IOException e) {
            LOG.warnf("could not sweep %s: %s", staging, e.getMessage());
        }
        return swept;
    }

    /** Deletes a file tree without following links; nothing to do when it is not there. */
    public static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The files of one upload being staged, with the running total checked against the limit. */
    private static final class Staging {
        final Path dir;
        final long limit;
        final int maxFiles;
        final Map<String, StagedUpload.StagedFile> files = new LinkedHashMap<>();
        long total;

        Staging(Path dir, long limit, int maxFiles) {
            this.dir = dir;
            this.limit = limit;
            this.maxFiles = maxFiles;
        }

        Path target(String path) throws IOException {
            if (files.containsKey(path)) {
                throw EntryPaths.refused("file", path, "appears twice");
            }
            if (files.size() >= maxFiles) {
                throw ProblemException.invalid(EntryPaths.FIELD, "a version holds at most " + maxFiles + " files");
            }
            Path target = dir.resolve(path).normalize();
            if (!target.startsWith(dir) || target.equals(dir)) {
                throw EntryPaths.refused("file", path, "leaves the version");
            }
            try {
                Files.createDirectories(target.getParent());
            } catch (FileAlreadyExistsException e) {
                throw EntryPaths.refused("file", path, "lies below a file of the same name");
            }
            if (Files.isDirectory(target)) {
                throw EntryPaths.refused("file", path, "has the name of a directory");
            }
            return target;
        }

        void directory(String path) throws IOException {
            Path target = dir.resolve(path).normalize();
            if (!target.startsWith(dir)) {
                throw EntryPaths.refused("archive entry", path, "leaves the version");
            }
            if (files.containsKey(path)) {
                throw EntryPaths.refused("archive entry", path, "is a file and a directory");
            }
            Files.createDirectories(target);
        }

        void count(String path, long bytes) {
            total += bytes;
            if (total > limit) {
                throw ProblemException.conflict(QUOTA_EXCEEDED, "the upload needs more than the " + Math.max(0, limit)
                        + " bytes left of the storage quota");
            }
        }

        /**
         * Copies an entry's bytes, counting them as they pass (a full buffer at a time, however little each read
         * brings) into a {@link LargeFileOutput}, which hashes and writes them; staging forces them to disk once every
         * file is written.
         */
        void write(String path, InputStream in) throws IOException {
            Path target = target(path);
            MessageDigest digest = sha256();
            byte[] buffer = new byte[BUFFER];
            long size = 0;
            // hashed by the output, beside its writes
            try (OutputStream out = new LargeFileOutput(target, digest)) {
                int n;
                while ((n = in.readNBytes(buffer, 0, buffer.length)) > 0) {
                    size += n;
                    count(path, n);
                    out.write(buffer, 0, n);
                }
            }
            files.put(path, new StagedUpload.StagedFile(path, size, HexFormat.of().formatHex(digest.digest())));
        }

        /** Takes an uploaded file as it is: hashed in place, then renamed into the staging directory. */
        void move(String path, Path source) throws IOException {
            Path target = target(path);
            MessageDigest digest = sha256();
            byte[] buffer = new byte[BUFFER];
            long size = 0;
            try (InputStream in = Files.newInputStream(source)) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    size += n;
                    digest.update(buffer, 0, n);
                }
            }
            count(path, size);
            try {
                Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.copy(source, target);
            }
            files.put(path, new StagedUpload.StagedFile(path, size, HexFormat.of().formatHex(digest.digest())));
        }

        /** A link inside the version is kept as a copy of the file it points to, which must come earlier. */
        void link(String path, String targetPath) throws IOException {
            StagedUpload.StagedFile linked = files.get(targetPath);
            if (linked == null) {
                throw EntryPaths.refused("archive entry", path,
                        "is a link whose target '" + EntryPaths.printable(targetPath) + "' is not a file earlier in the archive");
            }
            Path target = target(path);
            count(path, linked.sizeBytes());
            Files.copy(dir.resolve(targetPath), target);
            files.put(path, new StagedUpload.StagedFile(path, linked.sizeBytes(), linked.sha256()));
        }
    }

    /** Lists what is left below a directory, for diagnostics and tests. */
    public static List<Path> contents(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            return new ArrayList<>(paths.filter(p -> !p.equals(dir)).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
