package io.hyperai.billing.service;

/**
 * The rounding rule of the ledger (the accrual SQL computes the same in the database; docs/billing.md):
 * the cost of the first {@code s} seconds at {@code p} minor units per hour is {@code floor(p * s / 3600)},
 * and interval k of length L in a run of T seconds is charged the difference of that cost at its two
 * ends, {@code cost(min(kL, T)) - cost((k-1)L)}. The remainder of each interval is carried into the
 * next, so the charges of a run add up to {@code cost(T)} exactly: no minor unit is lost or invented.
 */
public final class ChargeRule {

    private ChargeRule() {
    }

    /** What the first {@code seconds} of running time cost, rounded down to the minor unit. */
    public static long costOf(long pricePerHourMinor, long seconds) {
        return Math.multiplyExact(pricePerHourMinor, seconds) / 3600;
    }

    /** The charge of interval {@code k} (from 1) of length {@code length} in a run of {@code totalSeconds}. */
    public static long intervalCharge(long pricePerHourMinor, long k, long length, long totalSeconds) {
        long end = Math.min(k * length, totalSeconds);
        return costOf(pricePerHourMinor, end) - costOf(pricePerHourMinor, (k - 1) * length);
    }

    /** How many intervals a finished run of {@code totalSeconds} is charged in (the last one partial). */
    public static long intervals(long length, long totalSeconds) {
        return (totalSeconds + length - 1) / length;
    }
}
