package io.hyperai.warehouse;

import java.io.Serializable;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** A file of a version, by its path relative to the version's directory. */
@Entity
@Table(name = "warehouse_file")
@IdClass(WarehouseFile.Key.class)
public class WarehouseFile extends PanacheEntityBase {

    public record Key(UUID itemId, int version, String path) implements Serializable {
        public Key() {
            this(null, 0, null);
        }
    }

    @Id
    @Column(name = "item_id")
    public UUID itemId;
    @Id
    public int version;
    @Id
    public String path;
    @Column(name = "size_bytes")
    public long sizeBytes;
    public String sha256;
}
