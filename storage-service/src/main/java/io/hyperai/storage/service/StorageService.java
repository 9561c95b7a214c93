package io.hyperai.storage.service;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.hyperai.storage.StorageQuota;
import io.hyperai.storage.StorageUsage;
import io.hyperai.storage.config.StorageConfig;
import io.hyperai.storage.mapping.StorageSummary;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class StorageService {

    private final StorageConfig config;

    public StorageService(StorageConfig config) {
        this.config = config;
    }

    /** Usage over the quota blocks new gears, executions and uploads until data is deleted. */
    @WithSession
    public Uni<StorageSummary> summary(String userId) {
        Uni<Long> quota = StorageQuota.<StorageQuota>findById(userId)
                .map(q -> q == null ? config.defaultQuotaBytes() : q.quotaBytes);
        Uni<List<StorageUsage>> usage = StorageUsage.list("userId", userId);
        Uni<Long> reserved = Panache.getSession().chain(s -> s
                .createNativeQuery("SELECT coalesce(sum(bytes), 0) FROM storage_reservation "
                        + "WHERE user_id = :user AND expires_at > now()", Long.class)
                .setParameter("user", userId).getSingleResult());
        return quota.chain(q -> usage.chain(u -> reserved.map(r -> {
            Map<String, Long> byKind = new LinkedHashMap<>();
            for (StorageUsage.Kind kind : StorageUsage.Kind.values()) {
                byKind.put(kind.name(), 0L);
            }
            long used = 0;
            for (StorageUsage row : u) {
                byKind.put(row.kind.name(), row.bytes);
                used += row.bytes;
            }
            return new StorageSummary(q, used, byKind, r, used > q);
        })));
    }
}
