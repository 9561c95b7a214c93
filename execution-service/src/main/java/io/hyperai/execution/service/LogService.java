package io.hyperai.execution.service;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.hyperai.common.problem.ProblemException;
import io.hyperai.execution.config.ExecutionConfig;
import io.hyperai.execution.runtime.LogChunk;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * An execution's output, read in bounded chunks (never whole): from its container while there is one, from the
 * database afterwards, where the tail of an ended execution's output is kept so its container can be removed.
 * Bytes are served as written; they need not be UTF-8.
 */
@ApplicationScoped
public class LogService {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(LogService.class);

    /** The most one read returns. */
    public static final int CHUNK = 64 * 1024;

    private static final java.time.Duration RETRY_READ = java.time.Duration.ofSeconds(2);

    private final RuntimeCalls runtime;
    private final ExecutionConfig config;

    public LogService(RuntimeCalls runtime, ExecutionConfig config) {
        this.runtime = runtime;
        this.config = config;
    }

    /** Up to {@link #CHUNK} bytes from {@code offset} (or from the first kept byte after it). */
    public Uni<LogChunk> chunk(UUID id, long offset) {
        return kept(id, offset).chain(kept -> kept != null ? Uni.createFrom().item(kept)
                : runtime.logs(id.toString(), offset, CHUNK).map(bytes -> new LogChunk(offset, bytes))
                        .onFailure(e -> !(e instanceof ProblemException)).transform(e -> {
                            // the runtime (the cluster's API server) failed this read: the reader may try again
                            LOG.warnf(e, "execution %s: its output could not be read from byte %d", id, offset);
                            return ProblemException.unavailable("the cluster running the execution", RETRY_READ);
                        }));
    }

    /** Every chunk from {@code offset} to the output's current end. */
    public Multi<LogChunk> from(UUID id, long offset) {
        long[] next = { offset };
        return Multi.createBy().repeating().uni(() -> chunk(id, next[0]).invoke(c -> next[0] = c.next()))
                .whilst(c -> c.bytes().length == CHUNK)
                .select().where(c -> !c.isEmpty());
    }

    /**
     * Keeps the tail of an ended execution's output once (a repeated call changes nothing). A tail that cannot be
     * read now fails the keep, so the container stays for the next pass: kept empty, the output would be lost for
     * good (a container without output, or one already gone, reads as empty and is kept as such).
     */
    public Uni<Void> keep(UUID id) {
        return runtime.tail(id.toString(), config.keptLogBytes())
                .onFailure().invoke(e -> LOG.warnf("execution %s: its output cannot be read now (%s); kept later",
                        id, e.getMessage()))
                .chain(tail -> {
                    LOG.debugf("execution %s: keeping %d output bytes from byte %d", id, tail.bytes().length, tail.offset());
                    return Panache.withTransaction(() -> Panache.getSession().chain(s -> s.createNativeQuery(
                            "INSERT INTO execution_log (execution_id, content, truncated, kept_from) "
                                    + "VALUES (:id, :content, :truncated, :from) ON CONFLICT (execution_id) DO NOTHING")
                            .setParameter("id", id).setParameter("content", tail.bytes())
                            .setParameter("truncated", tail.offset() > 0).setParameter("from", tail.offset())
                            .executeUpdate()));
                }).replaceWithVoid();
    }

    /** The kept bytes from {@code offset} (or its first kept byte), or null when nothing was kept yet. */
    private Uni<LogChunk> kept(UUID id, long offset) {
        return Panache.withSession(() -> Panache.getSession().chain(s -> s
                .createNativeQuery("SELECT kept_from, substring(content FROM CAST(GREATEST(:offset - kept_from, 0) + 1 "
                        + "AS INTEGER) FOR :length) FROM execution_log WHERE execution_id = :id", Object[].class)
                .setParameter("id", id).setParameter("offset", offset).setParameter("length", CHUNK)
                .getResultList()))
                .map(rows -> rows.isEmpty() ? null : chunkOf((List<Object[]>) (List<?>) rows, offset));
    }

    private static LogChunk chunkOf(List<Object[]> rows, long offset) {
        Object[] row = rows.get(0);
        long keptFrom = ((Number) row[0]).longValue();
        return new LogChunk(Math.max(offset, keptFrom), (byte[]) row[1]);
    }
}
