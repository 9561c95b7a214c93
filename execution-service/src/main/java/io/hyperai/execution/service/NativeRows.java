package io.hyperai.execution.service;

import java.time.Instant;
import java.time.OffsetDateTime;

/** Values of native query rows as Hibernate Reactive hands them over. */
final class NativeRows {

    private NativeRows() {
    }

    /** A {@code timestamptz} column: an {@link OffsetDateTime} from the driver, or already an instant; null stays null. */
    static Instant instant(Object value) {
        return value == null ? null : value instanceof OffsetDateTime o ? o.toInstant() : (Instant) value;
    }
}
