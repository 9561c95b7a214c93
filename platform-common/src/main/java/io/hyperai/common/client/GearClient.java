package io.hyperai.common.client;

import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import io.hyperai.contracts.gear.GearApi;
import io.quarkus.oidc.client.filter.OidcClientFilter;
import io.smallrye.faulttolerance.api.ApplyGuard;

/**
 * gear-service: a gear to run, the catalogue to price.
 * Called with this service's client-credentials token, under the dependency's one policy.
 */
@RegisterRestClient(configKey = Dependencies.GEAR)
@RegisterProvider(RefusedByDependency.Mapper.class)
@OidcClientFilter
@ApplyGuard(Dependencies.GEAR)
public interface GearClient extends GearApi {
}
