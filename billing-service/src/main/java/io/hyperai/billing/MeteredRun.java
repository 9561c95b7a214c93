package io.hyperai.billing;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/**
 * One execution as billing meters it, from its start and end events (in either order). Written by
 * set-based SQL in {@code repository.LedgerRepository}; read through this entity.
 */
@Entity
@Table(name = "metered_run")
public class MeteredRun extends PanacheEntityBase {
    @Id
    @Column(name = "execution_id")
    public String executionId;
    @Column(name = "owner_id")
    public String ownerId;
    @Column(name = "gear_id")
    public String gearId;
    @Column(name = "compute_spec_id")
    public String computeSpecId;
    public String mode;
    /** Null until the start event was seen: the run cannot be charged before. */
    @Column(name = "price_per_hour_minor")
    public Long pricePerHourMinor;
    public String currency;
    @Column(name = "interval_seconds")
    public int intervalSeconds;
    @Column(name = "started_at")
    public Instant startedAt;
    @Column(name = "ended_at")
    public Instant endedAt;
    @Column(name = "end_reason")
    public String endReason;
    @Column(name = "charged_through")
    public int chargedThrough;
    @Column(name = "settled_at")
    public Instant settledAt;
    /** The execution's own spending cap, if it has one; {@code capReachedAt} when its cost reached it. */
    @Column(name = "max_cost_minor")
    public Long maxCostMinor;
    @Column(name = "cap_reached_at")
    public Instant capReachedAt;
}
