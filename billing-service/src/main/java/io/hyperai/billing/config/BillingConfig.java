package io.hyperai.billing.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "hyperai.billing")
public interface BillingConfig {

    /** ISO 4217 code of every balance and price; amounts are in its minor unit. */
    @WithDefault("CNY")
    String currency();
}
