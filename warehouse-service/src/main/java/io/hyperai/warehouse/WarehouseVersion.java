package io.hyperai.warehouse;

import java.io.Serializable;
import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** One immutable version of an item: its files live under {@code storagePath} below the storage root. */
@Entity
@Table(name = "warehouse_version")
@IdClass(WarehouseVersion.Key.class)
public class WarehouseVersion extends PanacheEntityBase {

    public record Key(UUID itemId, int version) implements Serializable {
        public Key() {
            this(null, 0);
        }
    }

    @Id
    @Column(name = "item_id")
    public UUID itemId;
    @Id
    public int version;
    @Column(name = "owner_id")
    public String ownerId;
    @Column(name = "total_bytes")
    public long totalBytes;
    @Column(name = "file_count")
    public int fileCount;
    @Column(name = "storage_path")
    public String storagePath;
    @Column(name = "reservation_id")
    public UUID reservationId;
    @Column(name = "created_at")
    public Instant createdAt;
}
