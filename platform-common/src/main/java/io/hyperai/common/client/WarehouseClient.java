package io.hyperai.common.client;

import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import io.hyperai.contracts.warehouse.WarehouseApi;
import io.quarkus.oidc.client.filter.OidcClientFilter;
import io.smallrye.faulttolerance.api.ApplyGuard;

/**
 * warehouse-service: a dataset or model version, its owner and where its files are.
 * Called with this service's client-credentials token, under the dependency's one policy.
 */
@RegisterRestClient(configKey = Dependencies.WAREHOUSE)
@RegisterProvider(RefusedByDependency.Mapper.class)
@OidcClientFilter
@ApplyGuard(Dependencies.WAREHOUSE)
public interface WarehouseClient extends WarehouseApi {
}
