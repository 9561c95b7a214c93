package io.hyperai.warehouse;

import io.hyperai.test.PlatformTestResource;
import io.hyperai.test.ServiceBaselineTest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The module's one declaration of its test infrastructure, which every test class shares (one boot):
 * the real PostgreSQL, Kafka and OIDC provider, and the stand-ins for storage-service and execution-service.
 */
@QuarkusTest
@QuarkusTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "warehouse-service"))
@QuarkusTestResource(StorageStandInResource.class)
@QuarkusTestResource(ExecutionStandInResource.class)
class WarehouseServiceBaselineTest extends ServiceBaselineTest {
}
