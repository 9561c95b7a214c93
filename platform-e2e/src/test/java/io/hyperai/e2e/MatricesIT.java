package io.hyperai.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.hyperai.test.matrix.MalformedInputMatrix;
import io.hyperai.test.matrix.MatrixReport;
import io.hyperai.test.matrix.Requests;
import io.hyperai.test.matrix.ResourceFixture;
import io.hyperai.test.matrix.TenantIsolationMatrix;

/**
 * Issue 8's two generated matrices on the whole platform, with Keycloak's tokens (the same library
 * {@code platform-it} runs on the test OIDC provider): every operation of every {@code /q/openapi}, aimed at
 * a fresh owner's real dataset, model, gear, code and execution, by a fresh intruder.
 */
@ExtendWith(E2e.class)
class MatricesIT {

    @Test
    void everyOperationKeepsTenantsApartAndRefusesMalformedInput() {
        Platform platform = E2e.platform();
        KeycloakCredentials credentials = E2e.credentials();
        String owner = "matrix-owner";
        String intruder = "matrix-intruder";
        credentials.newUser(owner);
        credentials.newUser(intruder);
        Map<String, String> urls = new LinkedHashMap<>();
        for (String service : Platform.SERVICES) {
            urls.put(service, platform.url(service));
        }

        long start = System.nanoTime();
        ResourceFixture fixture = ResourceFixture.create(new Requests(urls), credentials, owner);
        System.out.printf("e2e matrices: fixture made in %d ms: %s%n", (System.nanoTime() - start) / 1_000_000,
                fixture.owned());
        assertThat(fixture.problems()).as("what the owner's fixture could not make").isEmpty();

        MatrixReport isolation = TenantIsolationMatrix.run(urls, credentials, fixture.owned(), intruder);
        System.out.println(isolation);
        MatrixReport malformed = MalformedInputMatrix.run(urls, credentials, fixture.owned());
        System.out.println(malformed);

        assertThat(isolation.failures()).as("answers that broke isolation").isEmpty();
        assertThat(isolation.skipped()).as("operations with nothing of the owner's to aim at").isEmpty();
        assertThat(isolation.checks().get("intruder on owner's resource")).isPositive();
        assertThat(malformed.failures()).as("malformed requests not refused as the schema demands").isEmpty();
    }
}
