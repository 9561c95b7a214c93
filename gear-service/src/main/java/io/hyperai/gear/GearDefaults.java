package io.hyperai.gear;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** A user's defaults for their gears: the idle policy of workspaces whose gear has none of its own. */
@Entity
@Table(name = "gear_defaults")
public class GearDefaults extends PanacheEntityBase {

    @Id
    @Column(name = "user_id")
    public String userId;
    @Column(name = "idle_warn_after_seconds")
    public Integer idleWarnAfterSeconds;
    @Column(name = "idle_stop_after_seconds")
    public Integer idleStopAfterSeconds;
    @Column(name = "updated_at")
    public Instant updatedAt;
}
