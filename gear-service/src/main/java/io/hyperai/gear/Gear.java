package io.hyperai.gear;

import java.time.Instant;
import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/**
 * A user's machine: a compute spec, a runtime image and up to six data bindings. A change takes
 * effect for the next execution; {@code revision} counts the changes.
 */
@Entity
@Table(name = "gear")
public class Gear extends PanacheEntityBase {

    @Id
    public String id;
    @Column(name = "owner_id")
    public String ownerId;
    public String name;
    @Column(name = "compute_spec_id")
    public String computeSpecId;
    @Column(name = "image_id")
    public String imageId;
    /** Stored as {@code {"items": [...]}}: Hibernate Reactive reads a JSON column as an object, never an array. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "bindings")
    public Bindings bindingSet = new Bindings(List.of());
    public int revision;
    /** Its workspaces' idle policy (seconds without use before a warning, before a stop); null: none. */
    @Column(name = "idle_warn_after_seconds")
    public Integer idleWarnAfterSeconds;
    @Column(name = "idle_stop_after_seconds")
    public Integer idleStopAfterSeconds;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;

    public record Bindings(List<GearBinding> items) {
        public Bindings {
            items = items == null ? List.of() : List.copyOf(items);
        }
    }

    public List<GearBinding> bindings() {
        return bindingSet == null ? List.of() : bindingSet.items();
    }

    public void bindings(List<GearBinding> bindings) {
        bindingSet = new Bindings(bindings);
    }
}
