package io.hyperai.common.inbox;

import java.time.Instant;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A record a consumer could not apply, as an admin sees it. */
@Schema(description = "A record a consumer of this service could not apply, and whether it has been redriven since")
public record DeadLetter(
        @Schema(description = "Its id in this service") long id,
        @Schema(description = "The consumer that could not apply it") String consumer,
        @Schema(description = "The event's id, when the record is an event envelope at all") String eventId,
        @Schema(description = "The event's type, when known") String eventType,
        @Schema(description = "Why it could not be applied (the last attempt's reason)") String reason,
        @Schema(description = "How often the broker delivered it") int deliveries,
        Instant firstAt,
        Instant lastAt,
        @Schema(description = "Redrives that failed again") int redriveAttempts,
        @Schema(description = "When a redrive applied it; absent while it waits") Instant redrivenAt,
        @Schema(description = "`WAITING` for a redrive, or `REDRIVEN`") String state,
        @Schema(description = "The record as the broker delivered it") String record) {

    public static final String WAITING = "WAITING";
    public static final String REDRIVEN = "REDRIVEN";
}
