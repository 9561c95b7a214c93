package io.hyperai.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.hyperai.test.Tokens;
import io.hyperai.test.matrix.Credentials;
import io.hyperai.test.matrix.MalformedInputMatrix;
import io.hyperai.test.matrix.MatrixReport;
import io.hyperai.test.matrix.OidcCredentials;
import io.hyperai.test.matrix.ResourceFixture;

/**
 * Issue 8's malformed-input matrix on the five packaged services: every operation with a body or
 * parameters, aimed at alice's real resources; refusals are 4xx problems, nothing is a 5xx, and no
 * list or summary changes. Every JSON body also gets a field its schema does not list and a fraction where an integer
 * belongs (issue 19): both refused with a 400 naming the field.
 */
@ExtendWith(SharedServices.class)
class MalformedInputMatrixIT {

    @Test
    void everyMalformedRequestIsAProblemAndChangesNothing() {
        Map<String, String> urls = TenantIsolationMatrixIT.urls();
        Credentials credentials = new OidcCredentials(Tokens.provider());
        ResourceFixture fixture = TenantIsolationMatrixIT.alice(urls, credentials);

        MatrixReport report = MalformedInputMatrix.run(urls, credentials, fixture.owned());
        System.out.println(report);
        assertThat(report.failures()).as("malformed requests answered wrongly").isEmpty();
        assertThat(report.checks().get("refused as the schema demands")).as("requests the schema forbids")
                .isPositive();
        assertThat(report.checks().get(MalformedInputMatrix.UNKNOWN_FIELDS_REFUSED)).as("bodies with an unknown field")
                .isPositive();
        assertThat(report.checks().get(MalformedInputMatrix.FRACTIONS_REFUSED)).as("fractions for integers")
                .isPositive();
    }
}
