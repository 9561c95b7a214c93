package io.hyperai.billing.client;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** A compute spec as gear-service's internal catalogue returns it. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ComputeSpecDto(String id, String kind, int vcpu, int memoryMib, int diskGib, int gpuCount,
        String gpuModel, long pricePerHourMinor, String currency, Map<String, String> nodeSelector, boolean retired) {
}
