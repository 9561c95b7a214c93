package io.hyperai.storage;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/**
 * A user's storage account: the quota an admin set (null: the configured default) and whether the
 * user was over it when last changed. Its row is the lock that serialises every change of the user's
 * usage and reservations.
 */
@Entity
@Table(name = "storage_quota")
public class StorageQuota extends PanacheEntityBase {
    @Id
    @Column(name = "user_id")
    public String userId;
    @Column(name = "quota_bytes")
    public Long quotaBytes;
    @Column(name = "over_quota")
    public boolean overQuota;
    /** Usage was last seen at or above the nearly-full ratio of the quota. */
    @Column(name = "nearly_full")
    public boolean nearlyFull;
    @Column(name = "updated_at")
    public Instant updatedAt;
}
