package io.hyperai.gear.support;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Points gear-service's REST clients at {@link DependencyStubs}. Declared with
 * {@code restrictToAnnotatedClass = false}, so every test class of the module shares the one boot.
 */
public class DependencyStubsResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return DependencyStubs.start();
    }

    @Override
    public void stop() {
        DependencyStubs.STORAGE.down();
        DependencyStubs.WAREHOUSE.down();
        DependencyStubs.EXECUTION.down();
    }
}
