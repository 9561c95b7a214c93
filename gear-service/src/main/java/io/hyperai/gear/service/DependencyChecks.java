package io.hyperai.gear.service;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import io.hyperai.common.client.DependencyFailures;
import io.hyperai.common.client.ExecutionClient;
import io.hyperai.common.client.RefusedByDependency;
import io.hyperai.common.client.StorageClient;
import io.hyperai.common.client.WarehouseClient;
import io.hyperai.common.problem.Problem.FieldError;
import io.hyperai.common.problem.ProblemException;
import io.hyperai.contracts.warehouse.WarehouseApi;
import io.hyperai.gear.GearBinding;
import io.hyperai.gear.mapping.GearRequests.BindingRequest;
import io.hyperai.gear.mapping.GearRequests.SourceRequest;
import io.smallrye.mutiny.Uni;

/**
 * What gear-service asks other services before it changes anything: may this user use more storage,
 * and does each binding's source exist and belong to them. Unavailability of a dependency (down,
 * slower than its timeout, open circuit, 5xx, or an answer outside its contract) is a 503 with
 * {@code Retry-After}; nothing is written before these checks pass.
 */
@ApplicationScoped
public class DependencyChecks {

    static final String STORAGE = "storage-service";
    static final String WAREHOUSE = "warehouse-service";
    static final String EXECUTION = "execution-service";

    private static final Logger LOG = Logger.getLogger(DependencyChecks.class);

    private final StorageClient storage;
    private final WarehouseClient warehouse;
    private final ExecutionClient executions;

    public DependencyChecks(@RestClient StorageClient storage, @RestClient WarehouseClient warehouse,
            @RestClient ExecutionClient executions) {
        this.storage = storage;
        this.warehouse = warehouse;
        this.executions = executions;
    }

    /** Fails with 403 {@code storage-blocked} while the user's usage is over their quota. */
    public Uni<Void> admitStorage(String userId) {
        return call(STORAGE, storage.admission(userId))
                .onFailure(RefusedByDependency.class)
                .transform(e -> outsideContract(STORAGE, ((RefusedByDependency) e).status()))
                .invoke(admission -> {
                    if (admission == null) {
                        throw outsideContract(STORAGE, 200);
                    }
                    if (admission.blocked()) {
                        throw ProblemException.forbidden("storage-blocked", "your storage usage is over your quota; "
                                + "delete data to create gears again");
                    }
                })
                .replaceWithVoid();
    }

    /**
     * The bindings with where their sources live. A source that is missing or another user's fails
     * the whole list with a 400 naming each such field, with the same message either way.
     */
    public Uni<List<GearBinding>> resolve(String ownerId, List<BindingRequest> bindings) {
        if (bindings.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<Uni<Resolved>> calls = new ArrayList<>();
        for (int i = 0; i < bindings.size(); i++) {
            calls.add(resolve(ownerId, "bindings[" + i + "].source", bindings.get(i)));
        }
        return Uni.join().all(calls).andFailFast().map(results -> {
            List<FieldError> errors = results.stream().filter(r -> r.error() != null).map(Resolved::error).toList();
            Problems.throwIfAny(errors);
            return results.stream().map(Resolved::binding).toList();
        });
    }

    private record Resolved(GearBinding binding, FieldError error) {
    }

    /**
     * For each binding of {@code ownerId}'s gear, why its source can no longer be mounted (its version or output was
     * deleted, or another user's item is private now), or null while it can. Asked when a gear is read and when it
     * starts, so a change of the source shows without any event.
     */
    public Uni<List<String>> brokenReasons(String ownerId, List<GearBinding> bindings) {
        if (bindings.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<Uni<String>> checks = new ArrayList<>();
        for (GearBinding b : bindings) {
            checks.add(brokenReason(ownerId, b));
        }
        return Uni.join().all(checks).andFailFast();
    }

    private Uni<String> brokenReason(String ownerId, GearBinding b) {
        if (GearBinding.OUTPUT.equals(b.sourceKind())) {
            return call(EXECUTION, executions.output(b.executionId())).map(out -> (String) null)
                    .onFailure(RefusedByDependency.class).recoverWithUni(e -> gone((RefusedByDependency) e, EXECUTION,
                            "the saved output of execution " + b.executionId() + " was deleted"));
        }
        String collection = GearBinding.DATASET.equals(b.sourceKind()) ? WarehouseApi.DATASETS : WarehouseApi.MODELS;
        return call(WAREHOUSE, warehouse.version(collection, b.sourceId(), String.valueOf(b.version())))
                .map(v -> ownerId.equals(v.ownerId()) || v.isPublic() ? (String) null
                        : "the " + b.sourceKind() + " is no longer public")
                .onFailure(RefusedByDependency.class).recoverWithUni(e -> gone((RefusedByDependency) e, WAREHOUSE,
                        "version " + b.version() + " of the " + b.sourceKind() + " was deleted"));
    }

    private static Uni<String> gone(RefusedByDependency refusal, String dependency, String reason) {
        return refusal.isNotFound() ? Uni.createFrom().item(reason)
                : Uni.createFrom().failure(outsideContract(dependency, refusal.status()));
    }

    private Uni<Resolved> resolve(String ownerId, String field, BindingRequest binding) {
        SourceRequest source = binding.source();
        if (GearBinding.OUTPUT.equals(source.kind())) {
            FieldError unknown = new FieldError(field + ".executionId", "no saved output of yours with this execution id");
            return call(EXECUTION, executions.output(source.executionId()))
                    .map(out -> out == null || !ownerId.equals(out.ownerId()) ? new Resolved(null, unknown)
                            : new Resolved(new GearBinding(binding.mountPath(), source.kind(), null, null,
                                    out.executionId(), null, null, out.workdirPath(), out.bytes()), null))
                    .onFailure(RefusedByDependency.class).recoverWithUni(e -> notFound((RefusedByDependency) e,
                            EXECUTION, unknown));
        }
        String collection = GearBinding.DATASET.equals(source.kind()) ? WarehouseApi.DATASETS : WarehouseApi.MODELS;
        String n = String.valueOf(source.version());
        FieldError unknown = source.handle() != null
                ? new FieldError(field + ".handle", "no public " + source.kind() + " version with this handle and version")
                : new FieldError(field + ".id", "no " + source.kind() + " version of yours, or public, with this id and"
                        + " version");
        // anyone may bind a public version (it counts against its owner's storage only), otherwise only the owner
        Uni<WarehouseApi.Version> lookup = source.handle() != null
                ? warehouse.versionByHandle(collection, source.handle().substring(0, source.handle().indexOf('/')),
                        source.handle().substring(source.handle().indexOf('/') + 1), n)
                : warehouse.version(collection, source.id(), n);
        return call(WAREHOUSE, lookup)
                .map(v -> v == null || !(ownerId.equals(v.ownerId()) || v.isPublic()) ? new Resolved(null, unknown)
                        : new Resolved(new GearBinding(binding.mountPath(), source.kind(), v.itemId(),
                                source.version(), null, v.storagePath(), v.totalBytes(), null, null), null))
                .onFailure(RefusedByDependency.class).recoverWithUni(e -> notFound((RefusedByDependency) e,
                        WAREHOUSE, unknown));
    }

    private static Uni<Resolved> notFound(RefusedByDependency refusal, String dependency, FieldError unknown) {
        return refusal.isNotFound() ? Uni.createFrom().item(new Resolved(null, unknown))
                : Uni.createFrom().failure(outsideContract(dependency, refusal.status()));
    }

    private static <T> Uni<T> call(String dependency, Uni<T> call) {
        return DependencyFailures.guard(dependency, call)
                .onFailure(e -> !(e instanceof ProblemException) && !(e instanceof RefusedByDependency)
                        && cause(e, RefusedByDependency.class) != null)
                .transform(e -> cause(e, RefusedByDependency.class));
    }

    /** A 4xx the contract does not have (for example our own token refused): to the user, the dependency is unavailable. */
    private static ProblemException outsideContract(String dependency, int status) {
        LOG.warnf("%s answered %d, which its contract does not have; refusing as unavailable", dependency, status);
        return ProblemException.unavailable(dependency, DependencyFailures.RETRY_AFTER);
    }

    private static <E extends Throwable> E cause(Throwable failure, Class<E> type) {
        Throwable t = failure;
        while (t != null) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        return null;
    }
}
