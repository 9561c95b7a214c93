package io.hyperai.storage;

import java.io.Serializable;
import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** Bytes a user keeps of one kind. */
@Entity
@Table(name = "storage_usage")
@IdClass(StorageUsage.Key.class)
public class StorageUsage extends PanacheEntityBase {

    public enum Kind {
        DATASET, MODEL, CODE, WORKING_DIRECTORY
    }

    public record Key(String userId, Kind kind) implements Serializable {
        public Key() {
            this(null, null);
        }
    }

    @Id
    @Column(name = "user_id")
    public String userId;
    @Id
    @Enumerated(EnumType.STRING)
    public Kind kind;
    public long bytes;
    @Column(name = "updated_at")
    public Instant updatedAt;
}
