package io.hyperai.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Each kind of token of {@link KeycloakCredentials} on one endpoint of each service: the valid ones are let in (200),
 * the expired, foreign, audience-less and forged ones are turned away (401), as is no token at all.
 */
@ExtendWith(E2e.class)
class TokensIT {

    /** A user endpoint of each service. */
    private static final Map<String, String> USER_ENDPOINTS = Map.of("gear", "/api/v1/gears", "execution",
            "/api/v1/executions", "warehouse", "/api/v1/datasets", "storage", "/api/v1/storage/me", "billing",
            "/api/v1/billing/me");

    @Test
    void validTokensAreLetInAndBadOnesAnswer401OnEveryService() {
        Platform platform = E2e.platform();
        KeycloakCredentials creds = E2e.credentials();
        String alice = creds.id("alice");
        Map<String, String> internal = Map.of("gear", "/internal/compute-specs", "storage",
                "/internal/storage/admission/" + alice, "billing", "/internal/billing/admission/" + alice);
        assertThat(String.valueOf((Object) KeycloakCredentials.claims(creds.wrongAudience()).get("aud"))).doesNotContain("hyperai-api");
        assertThat(String.valueOf((Object) KeycloakCredentials.claims(creds.user("alice")).get("aud"))).contains("hyperai-api");

        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("expired", creds.expired());
        bad.put("wrong issuer", creds.wrongIssuer());
        bad.put("wrong audience", creds.wrongAudience());
        bad.put("forged", creds.forged());
        int requests = 0;
        for (String service : Platform.SERVICES) {
            String url = platform.url(service) + USER_ENDPOINTS.get(service);
            assertThat(status(url, creds.user("alice"))).as("alice on %s", url).isEqualTo(200);
            assertThat(status(url, creds.user("bob"))).as("bob on %s", url).isEqualTo(200);
            assertThat(status(url, creds.admin())).as("admin on %s", url).isEqualTo(200);
            assertThat(status(url, null)).as("no token on %s", url).isEqualTo(401);
            requests += 4;
            for (Map.Entry<String, String> b : bad.entrySet()) {
                assertThat(status(url, b.getValue())).as("%s token on %s", b.getKey(), url).isEqualTo(401);
                requests++;
            }
            if (internal.containsKey(service)) {
                String in = platform.url(service) + internal.get(service);
                assertThat(status(in, creds.service())).as("service token on %s", in).isEqualTo(200);
                assertThat(status(in, creds.user("alice"))).as("user token on %s", in).isEqualTo(403);
                assertThat(status(in, creds.forged())).as("forged token on %s", in).isEqualTo(401);
                requests += 3;
            }
        }
        System.out.printf("e2e tokens: %d requests, 5 services, %d kinds of bad token all 401%n", requests, bad.size());
    }

    private static int status(String url, String token) {
        var spec = given();
        if (token != null) {
            spec = spec.auth().oauth2(token);
        }
        return spec.get(url).statusCode();
    }
}
