package io.hyperai.execution;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** One step of an execution's history; ids grow in the order steps were recorded. */
@Entity
@Table(name = "execution_transition")
public class ExecutionTransition extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "execution_id")
    public UUID executionId;
    @Enumerated(EnumType.STRING)
    public ExecutionState state;
    public Instant at;
    public String reason;
    public String detail;
}
