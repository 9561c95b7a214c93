package io.hyperai.billing;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** A credit to a balance, identified by the caller's reference so that a retried request credits once. */
@Entity
@Table(name = "top_up")
public class TopUp extends PanacheEntityBase {
    @Id
    public String reference;
    @Column(name = "user_id")
    public String userId;
    @Column(name = "amount_minor")
    public long amountMinor;
    public String currency;
    @Column(name = "balance_after_minor")
    public long balanceAfterMinor;
    @Column(name = "created_by")
    public String createdBy;
    @Column(name = "created_at")
    public Instant createdAt;
}
