package io.hyperai.execution.service;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

import org.jboss.logging.Logger;

import io.hyperai.common.events.EventType;
import io.hyperai.common.events.payload.StoredBytes;
import io.hyperai.common.files.UploadStager;
import io.hyperai.common.outbox.Outbox;
import io.hyperai.common.paging.Page;
import io.hyperai.common.paging.PageRequest;
import io.hyperai.common.problem.ProblemException;
import io.hyperai.execution.Execution;
import io.hyperai.execution.mapping.OutputFileView;
import io.hyperai.execution.runtime.Dirs;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * A user's saved working directories (an ended execution's {@code /hyperai/home}): listed, read file by file or as one
 * tar.gz, and deleted, which gives their bytes back to the storage quota ({@code execution.workdir.deleted}, with the
 * measured size, in the transaction that marks the directory deleted). Only regular files are served, and only below
 * the directory: a link user code left there is neither listed nor followed.
 */
@ApplicationScoped
public class OutputService {

    private static final Logger LOG = Logger.getLogger(OutputService.class);

    private static final String LIVE = "SELECT count(*) FROM execution WHERE state IN ('QUEUED', 'STARTING', 'RUNNING')"
            + " AND (id = :id OR continued_from = :id OR launch LIKE :mount)";

    private final ExecutionService executions;
    private final WorkdirService workdirs;
    private final Outbox outbox;

    public OutputService(ExecutionService executions, WorkdirService workdirs, Outbox outbox) {
        this.executions = executions;
        this.workdirs = workdirs;
        this.outbox = outbox;
    }

    /** The caller's saved directory's root; 404 unless the execution ended, was saved and is not deleted. */
    private Uni<Path> saved(String ownerId, String id) {
        return executions.find(ownerId, id).map(e -> {
            if (!e.state.isTerminal() || e.workdirBytes == null || e.workdirDeletedAt != null) {
                throw ProblemException.notFound("execution output", id);
            }
            return workdirs.workdir(e.id.toString());
        });
    }

    public Uni<Page<OutputFileView>> list(String ownerId, String id, PageRequest page) {
        return saved(ownerId, id).chain(root -> RuntimeCalls.blocking(() -> {
            List<OutputFileView> all = files(root);
            int from = (int) Math.min(all.size(), (long) page.page() * page.size());
            int to = Math.min(all.size(), from + page.size());
            return new Page<>(all.subList(from, to), page.page(), page.size(), all.size());
        }));
    }

    /** One regular file of the directory, by its path in it. */
    public Uni<Path> file(String ownerId, String id, String path) {
        return saved(ownerId, id).chain(root -> RuntimeCalls.blocking(() -> {
            Path file = root.resolve(path).normalize();
            if (!file.startsWith(root) || !regular(root, file)) {
                throw ProblemException.notFound("file", path);
            }
            return file;
        }));
    }

    /** The directory's root, for {@link #writeArchive}, once the caller may read it. */
    public Uni<Path> archive(String ownerId, String id) {
        return saved(ownerId, id);
    }

    /** Writes every regular file below {@code root} as a tar.gz, streamed: nothing is built in memory or on disk. */
    public static void writeArchive(Path root, OutputStream out) throws IOException {
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (OutputFileView f : files(root)) {
                TarArchiveEntry entry = new TarArchiveEntry(f.path());
                entry.setSize(f.sizeBytes());
                tar.putArchiveEntry(entry);
                Files.copy(root.resolve(f.path()), tar);
                tar.closeArchiveEntry();
            }
        }
    }

    /**
     * Deletes the saved directory: refused (409) while an execution uses it (the execution itself, or one continued
     * from it or binding it, queued or running); its bytes stop counting once {@code execution.workdir.deleted} is
     * applied by storage.
     */
    public Uni<Void> delete(String ownerId, String id) {
        return executions.find(ownerId, id).chain(found -> Panache.withTransaction(() -> Execution.<Execution>findById(
                found.id, LockModeType.PESSIMISTIC_WRITE).chain(e -> {
                    if (e.workdirDeletedAt != null) {
                        throw ProblemException.notFound("execution output", id);
                    }
                    return unused(e).chain(() -> {
                        e.workdirDeletedAt = Instant.now();
                        return outbox.append(EventType.WORKDIR_DELETED, e.id.toString(),
                                new StoredBytes(e.id.toString(), e.ownerId, e.workdirBytes));
                    });
                }))
                .chain(() -> RuntimeCalls.blocking(() -> {
                    UploadStager.deleteRecursively(workdirs.workdir(found.id.toString()));
                    return null;
                })))
                .replaceWithVoid();
    }

    /** 409 while the directory is not saved yet, or an execution uses it (itself, or one continuing from or binding it). */
    private Uni<Void> unused(Execution e) {
        if (!e.state.isTerminal()) {
            throw ProblemException.conflict("output-in-use", "the execution is " + e.state
                    + "; its working directory is saved when it ends");
        }
        if (e.workdirBytes == null) {
            throw ProblemException.conflict("output-not-saved",
                    "the working directory is still being saved; try again shortly");
        }
        return Panache.getSession().chain(s -> s.createNativeQuery(LIVE, Long.class)
                .setParameter("id", e.id)
                .setParameter("mount", "%\"volume\":\"workdirs\",\"subPath\":\"" + e.id + "\"%")
                .getSingleResult())
                .invoke(live -> {
                    if (live > 0) {
                        throw ProblemException.conflict("output-in-use", "an execution that continues"
                                + " from it or binds it is queued or running; stop it first");
                    }
                }).replaceWithVoid();
    }

    /**
     * For a promotion (warehouse-service): the directory to archive, {@code path} in the owner's saved directory (all
     * of it when blank), once nothing uses it; 404 for anyone else's, or when {@code path} is not a directory in it.
     */
    public Uni<Path> promotable(String ownerId, String id, String path) {
        return executions.find(ownerId, id).chain(found -> Panache.withSession(() -> Execution.<Execution>findById(
                found.id).chain(e -> {
                    if (e.workdirDeletedAt != null) {
                        throw ProblemException.notFound("execution output", id);
                    }
                    return unused(e).replaceWith(workdirs.workdir(e.id.toString()));
                })))
                .chain(root -> RuntimeCalls.blocking(() -> {
                    Path dir = inside(root, path);
                    if (dir == null) {
                        throw ProblemException.notFound("directory", path);
                    }
                    return dir;
                }));
    }

    /**
     * A promoted version was created (its event applied here, in the consumer's transaction): what moved leaves the
     * saved directory, so its bytes count once. All of it: the directory is deleted as by the user
     * ({@code execution.workdir.deleted}); one directory in it: that directory goes and the rest is measured again
     * ({@code execution.output.saved} with the new size). Nothing when the output is gone already (a redelivery).
     */
    public Uni<Void> promoted(String executionId, String ownerId, String path) {
        UUID id;
        try {
            id = UUID.fromString(executionId);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().voidItem();
        }
        return Execution.<Execution>findById(id, LockModeType.PESSIMISTIC_WRITE).chain(e -> {
            if (e == null || !e.ownerId.equals(ownerId) || e.workdirDeletedAt != null || e.workdirBytes == null) {
                return Uni.createFrom().voidItem();
            }
            // an execution that continues from it or binds it started since the archive was taken: it keeps its files
            return Uni.createFrom().deferred(() -> unused(e)).replaceWith(true)
                    .onFailure(ProblemException.class).recoverWithItem(false)
                    .chain(free -> {
                        if (!free) {
                            LOG.warnf("the output of %s was promoted but is in use again; it stays (its bytes count"
                                    + " twice until it is deleted)", e.id);
                            return Uni.createFrom().voidItem();
                        }
                        return dropPromoted(e, path);
                    });
        });
    }

    private Uni<Void> dropPromoted(Execution e, String path) {
        Path root = workdirs.workdir(e.id.toString());
        if (path == null || path.isBlank()) {
            e.workdirDeletedAt = Instant.now();
            return outbox.append(EventType.WORKDIR_DELETED, e.id.toString(),
                    new StoredBytes(e.id.toString(), e.ownerId, e.workdirBytes))
                    .chain(() -> RuntimeCalls.blocking(() -> {
                        UploadStager.deleteRecursively(root);
                        return null;
                    })).replaceWithVoid();
        }
        return RuntimeCalls.blocking(() -> {
            Path dir = inside(root, path);
            if (dir != null) {
                UploadStager.deleteRecursively(dir);
            }
            return Dirs.size(root);
        }).chain(bytes -> {
            if (bytes == e.workdirBytes.longValue()) {
                return Uni.createFrom().voidItem();
            }
            e.workdirBytes = bytes;
            return outbox.append(EventType.OUTPUT_SAVED, e.id.toString(),
                    new StoredBytes(e.id.toString(), e.ownerId, bytes)).replaceWithVoid();
        });
    }

    /** The directory {@code path} below {@code root} (root itself when blank), reached without following a link. */
    private static Path inside(Path root, String path) {
        if (path == null || path.isBlank()) {
            return root;
        }
        Path dir = root.resolve(path).normalize();
        if (!dir.startsWith(root) || dir.equals(root)) {
            return null;
        }
        for (Path p = dir; !p.equals(root); p = p.getParent()) {
            if (Files.isSymbolicLink(p)) {
                return null;
            }
        }
        return Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS) ? dir : null;
    }

    /** Regular files below {@code root} (links neither listed nor followed), by path. */
    static List<OutputFileView> files(Path root) {
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .map(p -> new OutputFileView(root.relativize(p).toString(), size(p)))
                    .sorted(java.util.Comparator.comparing(OutputFileView::path)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A regular file, reached without following a link at any step below {@code root}. */
    private static boolean regular(Path root, Path file) {
        Path p = root;
        for (Path part : root.relativize(file)) {
            p = p.resolve(part);
            if (Files.isSymbolicLink(p)) {
                return false;
            }
        }
        return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS);
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }
}
