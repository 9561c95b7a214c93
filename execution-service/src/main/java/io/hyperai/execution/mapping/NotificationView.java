package io.hyperai.execution.mapping;

import java.time.Instant;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.hyperai.execution.Notification;

/** One notice as the user reads it. */
@Schema(name = "Notification")
public record NotificationView(
        @Schema(description = "Its place in the caller's notices: later ones have greater ids (a cursor for"
                + " `after` and `Last-Event-ID`)") long id,
        @Schema(description = "IDLE_WARNING, DEADLINE_WARNING, EXECUTION_STOPPED, LOW_BALANCE, BALANCE_EXHAUSTED,"
                + " SPENDING_CAP_REACHED, QUOTA_NEARLY_FULL or QUOTA_EXCEEDED") String kind,
        @Schema(description = "The execution it concerns, if one", nullable = true) String executionId,
        String message,
        Instant createdAt) {

    public static NotificationView of(Notification n) {
        return new NotificationView(n.seq, n.kind, n.executionId, n.message, n.createdAt);
    }
}
