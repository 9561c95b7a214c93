package io.hyperai.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.hyperai.test.PackagedServices;
import io.hyperai.test.Tokens;
import io.hyperai.test.matrix.Credentials;
import io.hyperai.test.matrix.MatrixReport;
import io.hyperai.test.matrix.OidcCredentials;
import io.hyperai.test.matrix.Requests;
import io.hyperai.test.matrix.ResourceFixture;
import io.hyperai.test.matrix.TenantIsolationMatrix;

/**
 * Issue 8's tenant-isolation matrix on the five packaged services: every operation of every
 * {@code /q/openapi}, with alice's real dataset, model, gear, code and execution as bob's targets.
 */
@ExtendWith(SharedServices.class)
class TenantIsolationMatrixIT {

    static Map<String, String> urls() {
        PackagedServices services = SharedServices.get();
        Map<String, String> urls = new LinkedHashMap<>();
        for (String name : PackagedServices.ALL) {
            urls.put(name, services.url(name));
        }
        return urls;
    }

    static ResourceFixture alice(Map<String, String> urls, Credentials credentials) {
        long start = System.nanoTime();
        ResourceFixture fixture = ResourceFixture.create(new Requests(urls), credentials, "alice");
        System.out.printf("matrix fixture made in %d ms: %s%n", (System.nanoTime() - start) / 1_000_000,
                fixture.owned());
        assertThat(fixture.problems()).as("what alice's fixture could not make").isEmpty();
        return fixture;
    }

    static void savedFile(String executionId, String path) {
        try {
            Path saved = SharedServices.get().dataDir().resolve("workdirs").resolve(executionId);
            Files.createDirectories(saved);
            Files.writeString(saved.resolve(path), "print('matrix')\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void everyOperationKeepsTenantsApartAndRefusesBadTokens() {
        Map<String, String> urls = urls();
        Credentials credentials = new OidcCredentials(Tokens.provider());
        ResourceFixture fixture = alice(urls, credentials);
        // what a real save copies, the code the execution ran in its home: the fake kubelet copies nothing
        savedFile(fixture.owned().value("executions").orElseThrow(), "main.py");

        MatrixReport report = TenantIsolationMatrix.run(urls, credentials, fixture.owned(), "bob");
        System.out.println(report);
        assertThat(report.failures()).as("answers that broke isolation").isEmpty();
        assertThat(report.skipped()).as("operations with nothing of alice's to aim at").isEmpty();
        assertThat(report.checks().get("intruder on owner's resource")).as("bob's tries on alice's resources")
                .isPositive();
    }
}
