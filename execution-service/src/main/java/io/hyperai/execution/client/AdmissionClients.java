package io.hyperai.execution.client;

import java.time.temporal.ChronoUnit;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import io.hyperai.common.client.RefusedByDependency;
import io.quarkus.oidc.client.filter.OidcClientFilter;
import io.quarkus.rest.client.reactive.ClientExceptionMapper;
import io.smallrye.mutiny.Uni;

/** The two admission checks a start waits on: storage not blocked, balance above zero. */
public final class AdmissionClients {

    private AdmissionClients() {
    }

    @RegisterRestClient(configKey = "storage")
    @OidcClientFilter
    @Path("/internal/storage/admission")
    public interface Storage {
        @GET
        @Path("{userId}")
        @Timeout(value = 3, unit = ChronoUnit.SECONDS)
        @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS,
            skipOn = RefusedByDependency.class)
        Uni<StorageAdmission> admission(@PathParam("userId") String userId);

        @ClientExceptionMapper
        static RuntimeException toException(jakarta.ws.rs.core.Response response) {
            return RefusedByDependency.of(response);
        }
    }

    @RegisterRestClient(configKey = "billing")
    @OidcClientFilter
    @Path("/internal/billing/admission")
    public interface Billing {
        @GET
        @Path("{userId}")
        @Timeout(value = 3, unit = ChronoUnit.SECONDS)
        @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS,
            skipOn = RefusedByDependency.class)
        Uni<BillingAdmission> admission(@PathParam("userId") String userId);

        @ClientExceptionMapper
        static RuntimeException toException(jakarta.ws.rs.core.Response response) {
            return RefusedByDependency.of(response);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record StorageAdmission(String userId, long quotaBytes, long usedBytes, boolean blocked) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record BillingAdmission(String userId, long balanceMinor, String currency, boolean allowed) {
    }
}
