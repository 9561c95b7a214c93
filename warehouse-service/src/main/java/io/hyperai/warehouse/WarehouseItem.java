package io.hyperai.warehouse;

import java.time.Instant;
import java.util.Locale;
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
        DATASET("datasets"), MODEL("models");

        private final String collection;

        Kind(String collection) {
            this.collection = collection;
        }

        /** The name in paths and URLs: {@code datasets}, {@code models}. */
        public String collection() {
            return collection;
        }

        /** The name in events and views: {@code dataset}, {@code model}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Private items are their owner's alone; public ones anyone may list, read and bind. */
    public enum Visibility {
        PRIVATE, PUBLIC
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
    @Enumerated(EnumType.STRING)
    public Visibility visibility = Visibility.PRIVATE;
    /** The owner's user name when the item was created or last changed: the first half of its handle. */
    @Column(name = "owner_name")
    public String ownerName;
    /** Comma-separated. */
    public String tags = "";
    /** The number the next uploaded version gets. */
    @Column(name = "next_version")
    public int nextVersion;

    public boolean isPublic() {
        return visibility == Visibility.PUBLIC;
    }

    /** {@code <owner name>/<name>}, how a public item is named. */
    public String handle() {
        return ownerName + "/" + name;
    }

    public java.util.List<String> tagList() {
        return tags == null || tags.isEmpty() ? java.util.List.of() : java.util.List.of(tags.split(","));
    }
}
