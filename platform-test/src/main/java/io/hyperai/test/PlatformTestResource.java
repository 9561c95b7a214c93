package io.hyperai.test;

import java.util.HashMap;
import java.util.Map;

import io.hyperai.infra.PostgresServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The real infrastructure of one service under {@code @QuarkusTest}: its own PostgreSQL database and role,
 * the Kafka broker and the OIDC provider. Declare it once per module:
 * {@code @QuarkusTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service",
 * value = "gear"))}; the arg names the service (and its database).
 */
public class PlatformTestResource implements QuarkusTestResourceLifecycleManager {

    private String service = "app";

    @Override
    public void init(Map<String, String> initArgs) {
        service = initArgs.getOrDefault("service", service);
    }

    @Override
    public Map<String, String> start() {
        return configFor(service);
    }

    /** The configuration a service process needs to use the shared infrastructure. */
    public static Map<String, String> configFor(String service) {
        PostgresServer pg = SharedInfrastructure.postgres();
        String database = service.replace("-service", "").replace('-', '_');
        // the service's own role, as under ./platform up: its migrations and queries run without superuser rights
        PostgresServer.Role role = pg.serviceRole(database);
        OidcTestServer oidc = SharedInfrastructure.oidc();
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.datasource.username", role.user());
        config.put("quarkus.datasource.password", role.password());
        config.put("quarkus.datasource.jdbc.url", pg.jdbcUrl(database));
        config.put("quarkus.datasource.reactive.url", pg.reactiveUrl(database));
        config.put("kafka.bootstrap.servers", SharedInfrastructure.kafka().bootstrapServers());
        config.put("quarkus.oidc.auth-server-url", oidc.issuer());
        // the test provider accepts "<client>-secret" for any client, as the local realm does
        config.put("quarkus.oidc-client.credentials.secret", service + "-secret");
        // a killed instance's singleton work moves to its successor within seconds, not the production 15 s
        config.put("hyperai.lease.duration", "3s");
        config.put("hyperai.lease.renew-interval", "1s");
        return config;
    }

    @Override
    public void stop() {
        // shared for the whole JVM; stopped by SharedInfrastructure's shutdown hooks
    }
}
