package io.hyperai.billing.mapping;

import java.math.BigDecimal;
import java.math.RoundingMode;

import io.hyperai.contracts.gear.GearApi;

/**
 * What a compute spec costs. {@code pricePerSecondMinor} is for display only (a decimal string, six
 * places, rounded down): charges are computed from the hourly price (see docs/billing.md).
 */
public record PriceView(String computeSpecId, String kind, int vcpu, int memoryMib, int diskGib, int gpuCount,
        String gpuModel, long pricePerHourMinor, String pricePerSecondMinor, String currency) {

    public static PriceView of(GearApi.Spec s) {
        String perSecond = BigDecimal.valueOf(s.pricePerHourMinor())
                .divide(BigDecimal.valueOf(3600), 6, RoundingMode.DOWN).toPlainString();
        return new PriceView(s.id(), s.kind(), s.vcpu(), s.memoryMib(), s.diskGib(), s.gpuCount(), s.gpuModel(),
                s.pricePerHourMinor(), perSecond, s.currency());
    }
}
