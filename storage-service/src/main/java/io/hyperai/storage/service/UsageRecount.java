package io.hyperai.storage.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import io.hyperai.common.lease.NotLeader;
import io.hyperai.common.client.DependencyFailures;
import io.hyperai.common.client.ExecutionClient;
import io.hyperai.common.client.WarehouseClient;
import io.hyperai.common.events.EventType;
import io.hyperai.common.events.payload.StorageUsageCorrected;
import io.hyperai.common.outbox.Outbox;
import io.hyperai.contracts.storage.OwnedBytes.ObjectsRequest;
import io.hyperai.contracts.storage.OwnedBytes.StoredObject;
import io.hyperai.storage.StorageUsage;
import io.hyperai.storage.config.StorageConfig;
import io.hyperai.storage.repository.AccountRepository;
import io.hyperai.storage.repository.AccountRepository.StoredObjectRow;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Level-triggered usage: every pass asks the owners of the bytes (warehouse-service for dataset and model versions,
 * execution-service for code and saved working directories) what each user keeps, and corrects the ledger object by
 * object: an object the owner keeps but the ledger lacks (its event lost) is added, one the ledger holds but the
 * owner no longer keeps (its delete event lost) is removed, a size that differs is set. The ledger is keyed by object,
 * so a correction and the late event of the same object count it once. An object recorded here less than
 * {@code hyperai.storage.recount-grace} before the owners were asked is left alone (the owner's answer may predate
 * it). Each user's correction is one transaction with {@code storage.usage.corrected}, logged and counted
 * ({@code hyperai_reconcile_corrections_total{kind="usage"}}); an owner that does not answer skips the pass.
 */
@ApplicationScoped
public class UsageRecount {

    private static final Logger LOG = Logger.getLogger(UsageRecount.class);
    static final int CHUNK = 500;

    private final WarehouseClient warehouse;
    private final ExecutionClient executions;
    private final AccountRepository accounts;
    private final StorageService storage;
    private final Outbox outbox;
    private final StorageConfig config;
    private final MeterRegistry registry;

    public UsageRecount(@RestClient WarehouseClient warehouse, @RestClient ExecutionClient executions,
            AccountRepository accounts, StorageService storage, Outbox outbox, StorageConfig config,
            MeterRegistry registry) {
        this.warehouse = warehouse;
        this.executions = executions;
        this.accounts = accounts;
        this.storage = storage;
        this.outbox = outbox;
        this.config = config;
        this.registry = registry;
    }

    @Scheduled(identity = "storage-recount", every = "${hyperai.storage.recount-period:10m}", delayed = "10m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = NotLeader.class)
    Uni<Void> scheduled() {
        return pass().onFailure().invoke(e -> LOG.warnf("the usage recount failed; the next one tries again: %s",
                e.getMessage())).onFailure().recoverWithNull().replaceWithVoid();
    }

    /** One pass over every user with an account; says how many users' ledgers it corrected. */
    public Uni<Integer> pass() {
        AtomicInteger corrected = new AtomicInteger();
        return Panache.withSession(() -> Panache.getSession().chain(s -> s
                .createNativeQuery("SELECT user_id FROM storage_quota ORDER BY user_id", String.class).getResultList()))
                .chain(users -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (int i = 0; i < users.size(); i += CHUNK) {
                        List<String> chunk = List.copyOf(users.subList(i, Math.min(users.size(), i + CHUNK)));
                        chain = chain.chain(() -> recount(chunk, corrected));
                    }
                    return chain;
                })
                .chain(() -> Panache.withTransaction(() -> accounts.pruneRemoved(Instant.now().minus(
                        config.recountGrace().multipliedBy(2)).minus(java.time.Duration.ofHours(1)))))
                .map(v -> corrected.get());
    }

    /** Recounts these users only (at most {@value #CHUNK}); says how many were corrected. */
    public Uni<Integer> recount(List<String> users) {
        AtomicInteger corrected = new AtomicInteger();
        return recount(users, corrected).map(v -> corrected.get());
    }

    private Uni<Void> recount(List<String> users, AtomicInteger corrected) {
        Instant asked = Instant.now();
        ObjectsRequest request = new ObjectsRequest(users);
        return DependencyFailures.guard("warehouse-service", warehouse.stored(request))
                .chain(versions -> DependencyFailures.guard("execution-service", executions.stored(request))
                        .map(kept -> {
                            Map<String, List<StoredObject>> byOwner = new HashMap<>();
                            users.forEach(u -> byOwner.put(u, new ArrayList<>()));
                            versions.objects().forEach(o -> byOwner.computeIfPresent(o.ownerId(), (k, l) -> add(l, o)));
                            kept.objects().forEach(o -> byOwner.computeIfPresent(o.ownerId(), (k, l) -> add(l, o)));
                            return byOwner;
                        }))
                .chain(byOwner -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (String user : users) {
                        chain = chain.chain(() -> Panache.withTransaction(() -> correct(user, byOwner.get(user), asked))
                                .invoke(changed -> {
                                    if (changed) {
                                        corrected.incrementAndGet();
                                    }
                                }).replaceWithVoid());
                    }
                    return chain;
                });
    }

    private static List<StoredObject> add(List<StoredObject> list, StoredObject o) {
        list.add(o);
        return list;
    }

    /** Corrects one user's ledger under their account lock; true when anything changed. */
    private Uni<Boolean> correct(String user, List<StoredObject> truth, Instant asked) {
        Instant settledBefore = asked.minus(config.recountGrace());
        return accounts.lock(user).chain(account -> accounts.usedBytes(user).chain(before -> accounts.objects(user)
                .chain(rows -> accounts.removedSince(user, settledBefore).map(removed -> new Ledger(rows, removed)))
                .chain(current -> {
                    List<StoredObjectRow> ledger = current.rows();
                    Map<String, StoredObjectRow> held = new HashMap<>();
                    ledger.forEach(r -> held.put(r.kind() + "/" + r.objectId(), r));
                    int[] counts = new int[3]; // added, removed, resized
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    Set<String> kept = new java.util.HashSet<>();
                    for (StoredObject o : truth) {
                        StorageUsage.Kind kind = StorageUsage.Kind.valueOf(o.kind());
                        kept.add(kind + "/" + o.objectId());
                        StoredObjectRow row = held.get(kind + "/" + o.objectId());
                        if (row == null && current.removed().contains(kind + "/" + o.objectId())) {
                            continue; // deleted while the owners were being asked: its delete event was applied
                        }
                        if (row == null || row.bytes() != o.bytes()) {
                            counts[row == null ? 0 : 2]++;
                            LOG.infof("usage of %s: %s %s %s recorded with %d bytes (was %s)", user, kind, o.objectId(),
                                    row == null ? "added:" : "resized:", o.bytes(), row == null ? "absent" : row.bytes());
                            chain = chain.chain(() -> accounts.putObject(user, kind, o.objectId(), o.bytes())
                                    .replaceWithVoid());
                        }
                    }
                    for (StoredObjectRow row : ledger) {
                        if (!kept.contains(row.kind() + "/" + row.objectId()) && row.createdAt().isBefore(settledBefore)) {
                            counts[1]++;
                            LOG.infof("usage of %s: %s %s removed (%d bytes): its owner no longer keeps it", user,
                                    row.kind(), row.objectId(), row.bytes());
                            chain = chain.chain(() -> accounts.removeObjects(row.kind(), row.objectId(), false)
                                    .replaceWithVoid());
                        }
                    }
                    return chain.chain(() -> accounts.resum(List.of(user))).chain(resummed -> {
                        if (counts[0] + counts[1] + counts[2] == 0 && resummed == 0) {
                            return Uni.createFrom().item(false);
                        }
                        registry.counter("hyperai_reconcile_corrections_total", "kind", "usage").increment();
                        // native sums: the usage entities are read only by reconcile, after the changes
                        return accounts.usedBytes(user).chain(after -> outbox.append(EventType.STORAGE_USAGE_CORRECTED,
                                user, new StorageUsageCorrected(user, counts[0], counts[1], counts[2], before, after)))
                                .chain(() -> storage.reconcile(account)).replaceWith(true);
                    });
                })));
    }

    private record Ledger(List<StoredObjectRow> rows, Set<String> removed) {
    }
}
