package io.hyperai.execution;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** Something the platform told a user, once per event that concerns them; {@code seq} orders a user's notices. */
@Entity
@Table(name = "notification")
public class Notification extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long seq;
    @Column(name = "event_id")
    public String eventId;
    @Column(name = "user_id")
    public String userId;
    public String kind;
    @Column(name = "execution_id")
    public String executionId;
    public String message;
    @Column(name = "created_at", insertable = false, updatable = false)
    public Instant createdAt;
}
