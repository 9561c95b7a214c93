package io.hyperai.gear;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** A framework image; a GPU build runs only on a GPU spec. */
@Entity
@Table(name = "runtime_image")
public class RuntimeImage extends PanacheEntityBase {

    @Id
    public String id;
    public String framework;
    public String version;
    @Enumerated(EnumType.STRING)
    public ComputeSpec.Kind build;
    @Column(name = "image_ref")
    public String imageRef;
    public boolean retired;
    @Column(name = "created_at", insertable = false, updatable = false)
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
}
