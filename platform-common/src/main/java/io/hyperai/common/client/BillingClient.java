package io.hyperai.common.client;

import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import io.hyperai.contracts.billing.BillingApi;
import io.quarkus.oidc.client.filter.OidcClientFilter;
import io.smallrye.faulttolerance.api.ApplyGuard;

/**
 * billing-service: may this user start an execution?
 * Called with this service's client-credentials token, under the dependency's one policy.
 */
@RegisterRestClient(configKey = Dependencies.BILLING)
@RegisterProvider(RefusedByDependency.Mapper.class)
@OidcClientFilter
@ApplyGuard(Dependencies.BILLING)
public interface BillingClient extends BillingApi {
}
