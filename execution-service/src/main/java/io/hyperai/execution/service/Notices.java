package io.hyperai.execution.service;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Currency;

import io.hyperai.common.events.EventCodec;
import io.hyperai.common.events.EventEnvelope;
import io.hyperai.common.events.EventType;
import io.hyperai.common.events.payload.BillingBalanceLow;
import io.hyperai.common.events.payload.BillingBalanceState;
import io.hyperai.common.events.payload.ExecutionEnded;
import io.hyperai.common.events.payload.ExecutionWarned;
import io.hyperai.common.events.payload.SpendingCapReached;
import io.hyperai.common.events.payload.StorageQuotaState;
import io.hyperai.execution.Reasons;

/** Which events a user is told about, and in what words. */
final class Notices {

    /** What one event tells its user; null for the events nobody needs to be told about. */
    record Notice(String userId, String kind, String executionId, String message) {
    }

    static Notice of(EventEnvelope envelope, EventType type) {
        return switch (type) {
            case EXECUTION_WARNED -> warned(EventCodec.payload(envelope, ExecutionWarned.class));
            case EXECUTION_STOPPED -> stopped(EventCodec.payload(envelope, ExecutionEnded.class));
            case BILLING_BALANCE_LOW -> low(EventCodec.payload(envelope, BillingBalanceLow.class));
            case BILLING_BALANCE_EXHAUSTED -> {
                BillingBalanceState b = EventCodec.payload(envelope, BillingBalanceState.class);
                yield new Notice(b.ownerId(), "BALANCE_EXHAUSTED", null, "Your balance is used up ("
                        + money(b.balanceMinor(), b.currency()) + "): running executions are stopped and saved, and"
                        + " new ones cannot start until you top up.");
            }
            case BILLING_CAP_REACHED -> cap(EventCodec.payload(envelope, SpendingCapReached.class));
            case STORAGE_QUOTA_NEARLY_FULL -> quota(EventCodec.payload(envelope, StorageQuotaState.class),
                    "QUOTA_NEARLY_FULL", "Your storage is nearly full");
            case STORAGE_QUOTA_EXCEEDED -> quota(EventCodec.payload(envelope, StorageQuotaState.class),
                    "QUOTA_EXCEEDED", "Your storage is over its quota: uploads and new gears are refused until you"
                            + " delete data");
            default -> null;
        };
    }

    private static Notice warned(ExecutionWarned w) {
        String when = w.stopsAt() == null ? "soon" : "at " + w.stopsAt().truncatedTo(ChronoUnit.SECONDS);
        return switch (w.kind()) {
            case "IDLE" -> new Notice(w.ownerId(), "IDLE_WARNING", w.executionId(), "Workspace " + w.executionId()
                    + " has been idle; it will be stopped and saved " + when + " unless it is used.");
            case "DEADLINE" -> new Notice(w.ownerId(), "DEADLINE_WARNING", w.executionId(), "Execution "
                    + w.executionId() + " reaches its maximum running time and will be stopped and saved " + when
                    + ".");
            default -> null;
        };
    }

    /** Stops the user did not ask for; their own stop and ordinary ends are shown by the execution itself. */
    private static Notice stopped(ExecutionEnded e) {
        String why = e.reason() == null ? null : switch (e.reason()) {
            case Reasons.IDLE -> "it was idle for the time its idle policy allows";
            case Reasons.DEADLINE -> "it reached its maximum running time";
            case Reasons.BALANCE_EXHAUSTED -> "the balance is used up";
            default -> e.reason().startsWith("SPENDING_CAP") ? "a spending cap was reached" : null;
        };
        return why == null ? null : new Notice(e.ownerId(), "EXECUTION_STOPPED", e.executionId(), "Execution "
                + e.executionId() + " was stopped because " + why + "; its working directory was saved.");
    }

    private static Notice low(BillingBalanceLow b) {
        String runway = b.runwaySeconds() == null ? "" : "; at the current rate it lasts "
                + duration(Duration.ofSeconds(b.runwaySeconds()));
        return new Notice(b.ownerId(), "LOW_BALANCE", null, "Your balance is low: " + money(b.balanceMinor(),
                b.currency()) + " (your threshold is " + money(b.thresholdMinor(), b.currency()) + ")" + runway + ".");
    }

    private static Notice cap(SpendingCapReached c) {
        String spent = money(c.spentMinor(), c.currency()) + " of a cap of " + money(c.capMinor(), c.currency());
        return "EXECUTION".equals(c.scope())
                ? new Notice(c.ownerId(), "SPENDING_CAP_REACHED", c.executionId(), "Execution " + c.executionId()
                        + " reached its spending cap (" + spent + "): it is stopped and saved.")
                : new Notice(c.ownerId(), "SPENDING_CAP_REACHED", null, "Your monthly spending cap is reached ("
                        + spent + "): running executions are stopped and saved, and new ones cannot start this"
                        + " month unless you raise it.");
    }

    private static Notice quota(StorageQuotaState q, String kind, String what) {
        return new Notice(q.ownerId(), kind, null, what + ": " + q.usedBytes() + " of " + q.quotaBytes()
                + " bytes used.");
    }

    static String money(long minor, String currency) {
        int digits = 2;
        try {
            digits = Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
        } catch (IllegalArgumentException | NullPointerException unknown) {
            // an unknown code keeps two decimals
        }
        return BigDecimal.valueOf(minor, digits).toPlainString() + " " + (currency == null ? "" : currency);
    }

    static String duration(Duration d) {
        long h = d.toHours();
        long m = d.toMinutesPart();
        return h > 0 ? h + " h " + m + " min" : m > 0 ? m + " min " + d.toSecondsPart() + " s" : d.toSeconds() + " s";
    }

    private Notices() {
    }
}
