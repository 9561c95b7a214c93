package io.hyperai.storage;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** A quota an admin set for one user. */
@Entity
@Table(name = "storage_quota")
public class StorageQuota extends PanacheEntityBase {
    @Id
    @Column(name = "user_id")
    public String userId;
    @Column(name = "quota_bytes")
    public long quotaBytes;
    @Column(name = "updated_at")
    public Instant updatedAt;
}
