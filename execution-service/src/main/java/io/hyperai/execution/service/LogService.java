package io.hyperai.execution.service;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.hyperai.execution.runtime.ExecutionRuntime;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * An execution's output: from its container while there is one, from the database afterwards.
 * When it ends, the last megabyte is kept so its container can be removed.
 */
@ApplicationScoped
public class LogService {

    static final int KEPT_CHARS = 1024 * 1024;

    private final ExecutionRuntime runtime;

    public LogService(ExecutionRuntime runtime) {
        this.runtime = runtime;
    }

    public Uni<String> read(UUID id) {
        return kept(id).chain(saved -> saved != null ? Uni.createFrom().item(saved) : runtime.logs(id.toString()));
    }

    /** Keeps the output of an ended execution once (a repeated call changes nothing). */
    public Uni<Void> keep(UUID id) {
        return runtime.logs(id.toString()).onFailure().recoverWithItem("").chain(log -> {
            boolean truncated = log.length() > KEPT_CHARS;
            String content = truncated ? log.substring(log.length() - KEPT_CHARS) : log;
            return Panache.withTransaction(() -> Panache.getSession().chain(s -> s.createNativeQuery(
                    "INSERT INTO execution_log (execution_id, content, truncated) VALUES (:id, :content, :truncated) "
                            + "ON CONFLICT (execution_id) DO NOTHING")
                    .setParameter("id", id).setParameter("content", content).setParameter("truncated", truncated)
                    .executeUpdate()));
        }).replaceWithVoid();
    }

    private Uni<String> kept(UUID id) {
        return Panache.withSession(() -> Panache.getSession().chain(s -> s
                .createNativeQuery("SELECT content FROM execution_log WHERE execution_id = :id", String.class)
                .setParameter("id", id).getResultList()))
                .map(rows -> rows.isEmpty() ? null : rows.get(0));
    }
}
