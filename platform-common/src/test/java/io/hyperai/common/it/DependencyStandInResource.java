package io.hyperai.common.it;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.hyperai.common.client.Dependencies;
import io.hyperai.infra.RoundRobin;
import io.hyperai.test.StandInService;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** One stand-in answering for every dependency, so the shared clients can be called for real. */
public class DependencyStandInResource implements QuarkusTestResourceLifecycleManager {

    static StandInService dependencies;
    /** billing-service's calls pass through it, so a test can close every connection at once */
    static RoundRobin billingRelay;

    @Override
    public synchronized Map<String, String> start() {
        if (dependencies == null) {
            dependencies = StandInService.start();
            billingRelay = RoundRobin.start(0, List.of(URI.create(dependencies.url()).getPort()));
        }
        Map<String, String> config = new HashMap<>();
        for (String dependency : new String[] { Dependencies.STORAGE, Dependencies.GEAR, Dependencies.WAREHOUSE,
                Dependencies.EXECUTION, Dependencies.BILLING }) {
            config.put("quarkus.rest-client." + dependency + ".url", dependencies.url());
        }
        config.put("quarkus.rest-client." + Dependencies.BILLING + ".url", "http://localhost:" + billingRelay.port());
        return config;
    }

    @Override
    public void stop() {
        // shared for the JVM
    }
}
