package io.hyperai.storage.service;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.hyperai.common.events.EventType;
import io.hyperai.common.events.payload.StorageQuotaState;
import io.hyperai.common.outbox.Outbox;
import io.hyperai.storage.StorageQuota;
import io.hyperai.storage.config.StorageConfig;
import io.hyperai.storage.mapping.AccountView;
import io.hyperai.storage.mapping.StorageSummary;
import io.hyperai.storage.repository.AccountRepository;
import io.hyperai.storage.repository.AccountRepository.Totals;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * Quotas and where each user stands. Usage over the quota blocks new gears, executions and uploads
 * until data is deleted; crossing the line either way is published once, through the outbox.
 */
@ApplicationScoped
public class StorageService {

    private final StorageConfig config;
    private final AccountRepository accounts;
    private final Outbox outbox;

    public StorageService(StorageConfig config, AccountRepository accounts, Outbox outbox) {
        this.config = config;
        this.accounts = accounts;
        this.outbox = outbox;
    }

    @WithSession
    public Uni<StorageSummary> summary(String userId) {
        return accounts.find(userId).chain(account -> accounts.totals(userId).map(t -> {
            long quota = quotaOf(account);
            Map<String, Long> byKind = new LinkedHashMap<>();
            t.usedByKind().forEach((kind, bytes) -> byKind.put(kind.name(), bytes));
            return new StorageSummary(quota, t.usedBytes(), byKind, t.reservedBytes(), t.usedBytes() > quota);
        }));
    }

    /** May this user create or start anything that needs storage? */
    @WithSession
    public Uni<AccountView> admission(String userId) {
        return accounts.find(userId).chain(account -> accounts.totals(userId).map(t -> view(userId, account, t)));
    }

    /** An admin sets a quota; the user may cross the line either way with it. */
    @WithTransaction
    public Uni<AccountView> setQuota(String userId, long quotaBytes) {
        return accounts.lock(userId).chain(account -> {
            account.quotaBytes = quotaBytes;
            account.updatedAt = Instant.now();
            return reconcile(account).chain(() -> accounts.totals(userId)).map(t -> view(userId, account, t));
        });
    }

    /**
     * Publishes {@code storage.quota.exceeded} or {@code restored} when the user's usage is now on the
     * other side of the quota than last recorded, and {@code storage.quota.nearly-full} when it rose to the
     * nearly-full ratio of the quota (not when it went straight over the quota: exceeded says more; re-armed below
     * the ratio). Call with the account locked, inside the transaction of the change.
     */
    public Uni<Void> reconcile(StorageQuota account) {
        return accounts.totals(account.userId).chain(t -> {
            long quota = quotaOf(account);
            boolean over = t.usedBytes() > quota;
            boolean nearlyFull = t.usedBytes() >= config.nearlyFullRatio() * quota;
            StorageQuotaState state = new StorageQuotaState(account.userId, quota, t.usedBytes());
            Uni<?> warned = nearlyFull && !account.nearlyFull && !over
                    ? outbox.append(EventType.STORAGE_QUOTA_NEARLY_FULL, account.userId, state)
                    : Uni.createFrom().voidItem();
            Uni<?> crossed = over != account.overQuota
                    ? outbox.append(over ? EventType.STORAGE_QUOTA_EXCEEDED : EventType.STORAGE_QUOTA_RESTORED,
                            account.userId, state)
                    : Uni.createFrom().voidItem();
            if (over != account.overQuota || nearlyFull != account.nearlyFull) {
                account.overQuota = over;
                account.nearlyFull = nearlyFull;
                account.updatedAt = Instant.now();
            }
            return crossed.chain(() -> warned).replaceWithVoid();
        });
    }

    public long quotaOf(StorageQuota account) {
        return account == null || account.quotaBytes == null ? config.defaultQuotaBytes() : account.quotaBytes;
    }

    private AccountView view(String userId, StorageQuota account, Totals t) {
        long quota = quotaOf(account);
        boolean blocked = t.usedBytes() > quota;
        String reason = blocked ? "storage usage " + t.usedBytes() + " bytes is over the quota of " + quota
                + " bytes; delete data to lift the block" : null;
        return new AccountView(userId, quota, t.usedBytes(), t.reservedBytes(), blocked, reason);
    }
}
