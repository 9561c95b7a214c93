package io.hyperai.common.client;

import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import io.hyperai.contracts.storage.StorageApi;
import io.quarkus.oidc.client.filter.OidcClientFilter;
import io.smallrye.faulttolerance.api.ApplyGuard;

/**
 * storage-service for reservations only: the same API under a policy that never repeats a call, since a reservation
 * repeated after its connection was lost may have been made already and would hold the bytes twice.
 */
@RegisterRestClient(configKey = Dependencies.STORAGE)
@RegisterProvider(RefusedByDependency.Mapper.class)
@OidcClientFilter
@ApplyGuard(Dependencies.STORAGE_RESERVATIONS)
public interface StorageReservationClient extends StorageApi {
}
