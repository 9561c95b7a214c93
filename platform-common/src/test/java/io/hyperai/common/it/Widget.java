package io.hyperai.common.it;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

@Entity
public class Widget extends PanacheEntityBase {
    @Id
    public String id;
    public String owner;
    public String name;
}
