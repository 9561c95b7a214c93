package io.hyperai.execution;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** Code a user uploaded; {@code files} is the JSON list of its files with sizes and hashes. */
@Entity
@Table(name = "code_upload")
public class CodeUpload extends PanacheEntityBase {
    @Id
    public UUID id;
    @Column(name = "owner_id")
    public String ownerId;
    @Column(name = "total_bytes")
    public long totalBytes;
    public String files;
    @Column(name = "created_at")
    public Instant createdAt;
}
