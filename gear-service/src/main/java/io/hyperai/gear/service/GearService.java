package io.hyperai.gear.service;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.hyperai.common.events.EventType;
import io.hyperai.common.events.payload.GearDeleted;
import io.hyperai.common.outbox.Outbox;
import io.hyperai.common.paging.Page;
import io.hyperai.common.paging.PageRequest;
import io.hyperai.common.problem.Problem.FieldError;
import io.hyperai.common.problem.ProblemException;
import io.hyperai.contracts.gear.GearApi;
import io.hyperai.gear.ComputeSpec;
import io.hyperai.gear.Gear;
import io.hyperai.gear.GearBinding;
import io.hyperai.gear.GearDefaults;
import io.hyperai.gear.RuntimeImage;
import io.hyperai.gear.mapping.GearMapper;
import io.hyperai.gear.mapping.GearRequests.BindingRequest;
import io.hyperai.gear.mapping.GearRequests.Defaults;
import io.hyperai.gear.mapping.GearRequests.GearChange;
import io.hyperai.gear.mapping.GearRequests.IdlePolicyRequest;
import io.hyperai.gear.mapping.GearRequests.NewGear;
import io.hyperai.gear.repository.GearRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;

/**
 * Gears: checked in three steps so that a refusal changes nothing. First the request on its own and
 * against the catalogues (400s), then other services (storage admission, binding sources; 403, 400
 * or 503), and only then one transaction that writes the gear and its event.
 */
@ApplicationScoped
public class GearService {

    private final GearRepository gears;
    private final DependencyChecks dependencies;
    private final Outbox outbox;

    public GearService(GearRepository gears, DependencyChecks dependencies, Outbox outbox) {
        this.gears = gears;
        this.dependencies = dependencies;
        this.outbox = outbox;
    }

    public Uni<Gear> create(String ownerId, NewGear request) {
        List<BindingRequest> bindings = request.bindings() == null ? List.of() : request.bindings();
        Problems.throwIfAny(BindingRules.check(bindings));
        checkIdlePolicy(request.idlePolicy());
        return Panache.withSession(() -> checkChoice(request.computeSpecId(), request.imageId(), null))
                .chain(() -> dependencies.admitStorage(ownerId))
                .chain(() -> dependencies.resolve(ownerId, bindings))
                .chain(resolved -> Panache.withTransaction(() -> checkChoice(request.computeSpecId(), request.imageId(), null)
                        .chain(() -> {
                            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
                            Gear gear = new Gear();
                            gear.id = UUID.randomUUID().toString();
                            gear.ownerId = ownerId;
                            gear.name = request.name().strip();
                            gear.computeSpecId = request.computeSpecId();
                            gear.imageId = request.imageId();
                            gear.bindings(resolved);
                            if (request.idlePolicy() != null) {
                                gear.idleWarnAfterSeconds = request.idlePolicy().warnAfterSeconds();
                                gear.idleStopAfterSeconds = request.idlePolicy().stopAfterSeconds();
                            }
                            gear.revision = 1;
                            gear.createdAt = now;
                            gear.updatedAt = now;
                            return gear.<Gear>persist();
                        })
                        .call(gear -> outbox.append(EventType.GEAR_CREATED, gear.id, GearMapper.event(gear)))));
    }

    @WithSession
    public Uni<Gear> get(String ownerId, String id) {
        return gears.owned(id, ownerId).onItem().ifNull().failWith(() -> ProblemException.notFound("gear", id));
    }

    @WithSession
    public Uni<Page<Gear>> list(String ownerId, PageRequest page) {
        return gears.page(ownerId, page);
    }

    /** Changes take effect for the gear's next execution; an empty change changes nothing and announces nothing. */
    public Uni<Gear> update(String ownerId, String id, GearChange change) {
        if (change.bindings() != null) {
            Problems.throwIfAny(BindingRules.check(change.bindings()));
        }
        checkIdlePolicy(change.idlePolicy());
        return Panache.withSession(() -> get(ownerId, id)
                .call(gear -> checkChoice(change.computeSpecId(), change.imageId(), gear)))
                .chain(() -> change.bindings() == null ? Uni.createFrom().<List<GearBinding>>nullItem()
                        : dependencies.resolve(ownerId, change.bindings()))
                .chain(resolved -> Panache.withTransaction(() -> get(ownerId, id)
                        .call(gear -> checkChoice(change.computeSpecId(), change.imageId(), gear))
                        .call(gear -> apply(gear, change, resolved)
                                ? outbox.append(EventType.GEAR_UPDATED, gear.id, GearMapper.event(gear))
                                : Uni.createFrom().voidItem())));
    }

    /** The warning must come before the stop (each bound alone by the request's own constraints). */
    private static void checkIdlePolicy(IdlePolicyRequest idle) {
        if (idle != null && idle.warnAfterSeconds() != null && idle.stopAfterSeconds() != null
                && idle.warnAfterSeconds() >= idle.stopAfterSeconds()) {
            throw ProblemException.invalid("idlePolicy.warnAfterSeconds", "must be less than stopAfterSeconds");
        }
    }

    private static boolean apply(Gear gear, GearChange change, List<GearBinding> bindings) {
        boolean changed = false;
        if (change.name() != null && !change.name().strip().equals(gear.name)) {
            gear.name = change.name().strip();
            changed = true;
        }
        if (change.computeSpecId() != null && !change.computeSpecId().equals(gear.computeSpecId)) {
            gear.computeSpecId = change.computeSpecId();
            changed = true;
        }
        if (change.imageId() != null && !change.imageId().equals(gear.imageId)) {
            gear.imageId = change.imageId();
            changed = true;
        }
        if (bindings != null && !bindings.equals(gear.bindings())) {
            gear.bindings(bindings);
            changed = true;
        }
        if (change.idlePolicy() != null
                && !(Objects.equals(change.idlePolicy().warnAfterSeconds(), gear.idleWarnAfterSeconds)
                        && Objects.equals(change.idlePolicy().stopAfterSeconds(), gear.idleStopAfterSeconds))) {
            gear.idleWarnAfterSeconds = change.idlePolicy().warnAfterSeconds();
            gear.idleStopAfterSeconds = change.idlePolicy().stopAfterSeconds();
            changed = true;
        }
        if (changed) {
            gear.revision++;
            gear.updatedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        }
        return changed;
    }

    /** Refused with 409 while an execution of the gear is queued or running (as execution-events tell us). */
    public Uni<Void> delete(String ownerId, String id) {
        return Panache.withTransaction(() -> get(ownerId, id)
                .call(gear -> gears.activeExecutions(gear.id).invoke(active -> {
                    if (active > 0) {
                        throw ProblemException.conflict("gear-running",
                                "an execution of this gear is queued or running; stop it before deleting the gear");
                    }
                }))
                .call(gear -> gear.delete())
                .call(gear -> outbox.append(EventType.GEAR_DELETED, gear.id, new GearDeleted(gear.id, gear.ownerId)))
                .replaceWithVoid());
    }

    /** Why each of the gear's bindings can no longer be mounted, or null for those that can. */
    public Uni<List<String>> brokenReasons(Gear gear) {
        return dependencies.brokenReasons(gear.ownerId, gear.bindings());
    }

    /** Any user's gear, with its spec, image and where its bindings' sources are, for the execution service. */
    @WithSession
    public Uni<GearApi.GearRuntime> internal(String id) {
        return Gear.<Gear>findById(id)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("gear", id))
                .chain(gear -> ComputeSpec.<ComputeSpec>findById(gear.computeSpecId)
                        .chain(spec -> RuntimeImage.<RuntimeImage>findById(gear.imageId)
                                .chain(image -> dependencies.brokenReasons(gear.ownerId, gear.bindings())
                                        .chain(broken -> (GearMapper.hasIdlePolicy(gear)
                                                ? Uni.createFrom().<GearDefaults>nullItem()
                                                : GearDefaults.<GearDefaults>findById(gear.ownerId))
                                                .map(defaults -> GearMapper.internal(gear, spec, image, broken,
                                                        defaults))))));
    }

    /** The caller's defaults for their gears (an empty policy when they set none). */
    @WithSession
    public Uni<Defaults> defaults(String ownerId) {
        return GearDefaults.<GearDefaults>findById(ownerId).map(GearMapper::defaults);
    }

    /** Replaces the caller's defaults; a gear's own policy still wins over them. */
    public Uni<Defaults> setDefaults(String ownerId, Defaults change) {
        checkIdlePolicy(change.idlePolicy());
        return Panache.withTransaction(() -> GearDefaults.<GearDefaults>findById(ownerId).chain(found -> {
            GearDefaults d = found != null ? found : new GearDefaults();
            d.userId = ownerId;
            d.idleWarnAfterSeconds = change.idlePolicy() == null ? null : change.idlePolicy().warnAfterSeconds();
            d.idleStopAfterSeconds = change.idlePolicy() == null ? null : change.idlePolicy().stopAfterSeconds();
            d.updatedAt = Instant.now();
            return found != null ? Uni.createFrom().item(d) : d.<GearDefaults>persist();
        })).map(GearMapper::defaults);
    }

    /**
     * The spec and image a gear will have: both must exist, a newly chosen one must not be retired
     * (a gear keeps the retired items it already has), and a GPU image needs a GPU spec. {@code current}
     * is null for a new gear; null ids keep the current gear's.
     */
    private Uni<Void> checkChoice(String specId, String imageId, Gear current) {
        String targetSpec = specId != null ? specId : current.computeSpecId;
        String targetImage = imageId != null ? imageId : current.imageId;
        return ComputeSpec.<ComputeSpec>findById(targetSpec)
                .chain(spec -> RuntimeImage.<RuntimeImage>findById(targetImage).invoke(image -> {
                    List<FieldError> errors = new ArrayList<>();
                    boolean specIsNew = current == null || !Objects.equals(targetSpec, current.computeSpecId);
                    boolean imageIsNew = current == null || !Objects.equals(targetImage, current.imageId);
                    if (spec == null) {
                        errors.add(new FieldError("computeSpecId", "no such compute spec"));
                    } else if (spec.retired && specIsNew) {
                        errors.add(new FieldError("computeSpecId", "is retired and can no longer be chosen"));
                    }
                    if (image == null) {
                        errors.add(new FieldError("imageId", "no such image"));
                    } else if (image.retired && imageIsNew) {
                        errors.add(new FieldError("imageId", "is retired and can no longer be chosen"));
                    }
                    if (spec != null && image != null && image.build == ComputeSpec.Kind.GPU
                            && spec.kind != ComputeSpec.Kind.GPU) {
                        errors.add(new FieldError(imageIsNew ? "imageId" : "computeSpecId",
                                "a GPU image needs a GPU spec; " + spec.id + " is a CPU spec"));
                    }
                    Problems.throwIfAny(errors);
                }))
                .replaceWithVoid();
    }
}
