package io.hyperai.storage.mapping;

import java.time.Instant;

import io.hyperai.storage.StorageReservation;

public record ReservationView(String id, String userId, long bytes, Instant expiresAt) {

    public static ReservationView of(StorageReservation r) {
        return new ReservationView(r.id.toString(), r.userId, r.bytes, r.expiresAt);
    }
}
