package io.hyperai.warehouse;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** A dataset or a model. */
@Entity
@Table(name = "warehouse_item")
public class WarehouseItem extends PanacheEntityBase {

    public enum Kind {
        DATASET, MODEL
    }

    @Id
    public UUID id;
    @Column(name = "owner_id")
    public String ownerId;
    @Enumerated(EnumType.STRING)
    public Kind kind;
    public String name;
    public String description;
    @Column(name = "created_at")
    public Instant createdAt;
}
