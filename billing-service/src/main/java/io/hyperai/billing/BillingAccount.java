package io.hyperai.billing;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/**
 * A user's prepaid balance in integer minor units. {@code exhausted} remembers that the balance
 * crossed zero and {@code billing.balance.exhausted} was published, until a top-up restores it.
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
}
