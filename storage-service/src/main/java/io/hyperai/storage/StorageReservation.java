package io.hyperai.storage;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** Bytes held for an upload in flight, until its created event settles it, it is released, or it expires. */
@Entity
@Table(name = "storage_reservation")
public class StorageReservation extends PanacheEntityBase {
    @Id
    public UUID id;
    @Column(name = "user_id")
    public String userId;
    public long bytes;
    @Column(name = "created_at", insertable = false, updatable = false)
    public Instant createdAt;
    @Column(name = "expires_at")
    public Instant expiresAt;
}
