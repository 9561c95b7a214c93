package io.hyperai.gear;

import java.time.Instant;
import java.util.Map;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** A size of machine users can rent, with its hourly price in integer minor units. */
@Entity
@Table(name = "compute_spec")
public class ComputeSpec extends PanacheEntityBase {

    public enum Kind {
        CPU, GPU
    }

    @Id
    public String id;
    @Enumerated(EnumType.STRING)
    public Kind kind;
    public int vcpu;
    @Column(name = "memory_mib")
    public int memoryMib;
    @Column(name = "disk_gib")
    public int diskGib;
    @Column(name = "gpu_count")
    public int gpuCount;
    @Column(name = "gpu_model")
    public String gpuModel;
    @Column(name = "price_per_hour_minor")
    public long pricePerHourMinor;
    public String currency;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "node_selector")
    public Map<String, String> nodeSelector;
    public boolean retired;
    @Column(name = "created_at", insertable = false, updatable = false)
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
}
