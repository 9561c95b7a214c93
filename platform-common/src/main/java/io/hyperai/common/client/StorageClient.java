package io.hyperai.common.client;

import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import io.hyperai.contracts.storage.StorageApi;
import io.quarkus.oidc.client.filter.OidcClientFilter;
import io.smallrye.faulttolerance.api.ApplyGuard;

/**
 * storage-service: admission checks and upload reservations.
 * Called with this service's client-credentials token, under the dependency's one policy.
 */
@RegisterRestClient(configKey = Dependencies.STORAGE)
@RegisterProvider(RefusedByDependency.Mapper.class)
@OidcClientFilter
@ApplyGuard(Dependencies.STORAGE)
public interface StorageClient extends StorageApi {
}
