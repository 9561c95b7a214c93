package io.hyperai.execution;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** One run of a gear. */
@Entity
@Table(name = "execution")
public class Execution extends PanacheEntityBase {
    @Id
    public UUID id;
    @Column(name = "owner_id")
    public String ownerId;
    @Column(name = "gear_id")
    public String gearId;
    public String mode;
    public String state;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
}
