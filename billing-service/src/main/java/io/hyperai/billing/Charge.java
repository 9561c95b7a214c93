package io.hyperai.billing;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.Immutable;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/**
 * An entry of the append-only ledger: what interval {@code intervalNo} of an execution cost.
 * Interval 0 is the one refund an execution can get when it was charged past its reported end.
 */
@Entity
@Immutable
@Table(name = "charge")
public class Charge extends PanacheEntityBase {
    @Id
    public long id;
    @Column(name = "execution_id")
    public String executionId;
    @Column(name = "interval_no")
    public int intervalNo;
    @Column(name = "owner_id")
    public String ownerId;
    @Column(name = "gear_id")
    public String gearId;
    @Column(name = "compute_spec_id")
    public String computeSpecId;
    public String mode;
    public String currency;
    @Column(name = "price_per_hour_minor")
    public long pricePerHourMinor;
    @Column(name = "period_start")
    public Instant periodStart;
    @Column(name = "period_end")
    public Instant periodEnd;
    public long seconds;
    @Column(name = "amount_minor")
    public long amountMinor;
    @Column(name = "created_at")
    public Instant createdAt;
}
