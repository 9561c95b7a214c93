package io.hyperai.billing;

import java.time.Instant;
import java.time.LocalDate;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/**
 * A user's prepaid balance in integer minor units. {@code exhausted} remembers that the balance
 * crossed zero and {@code billing.balance.exhausted} was published, until a top-up restores it. The limits (null:
 * none) and their remembered crossings are written by {@code repository.LimitsRepository}.
 */
@Entity
@Table(name = "billing_account")
public class BillingAccount extends PanacheEntityBase {
    @Id
    @Column(name = "user_id")
    public String userId;
    @Column(name = "balance_minor")
    public long balanceMinor;
    public String currency;
    public boolean exhausted;
    @Column(name = "updated_at")
    public Instant updatedAt;
    @Column(name = "monthly_cap_minor")
    public Long monthlyCapMinor;
    @Column(name = "low_balance_threshold_minor")
    public Long lowBalanceThresholdMinor;
    @Column(name = "low_balance")
    public boolean lowBalance;
    /** The first day (UTC) of the month whose spend reached the cap: that month is capped, no other. */
    @Column(name = "capped_month")
    public LocalDate cappedMonth;
}
