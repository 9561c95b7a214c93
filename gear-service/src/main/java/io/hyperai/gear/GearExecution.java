package io.hyperai.gear;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/**
 * An execution of a gear as gear-service learns it from {@code execution-events}; an active one
 * keeps its gear from being deleted.
 */
@Entity
@Table(name = "gear_execution")
public class GearExecution extends PanacheEntityBase {

    @Id
    @Column(name = "execution_id")
    public String executionId;
    @Column(name = "gear_id")
    public String gearId;
    @Column(name = "owner_id")
    public String ownerId;
    public boolean active;
    @Column(name = "updated_at")
    public Instant updatedAt;
}
