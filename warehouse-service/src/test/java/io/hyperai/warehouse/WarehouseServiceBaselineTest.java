package io.hyperai.warehouse;

import io.hyperai.test.PlatformTestResource;
import io.hyperai.test.ServiceBaselineTest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@QuarkusTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "warehouse-service"))
class WarehouseServiceBaselineTest extends ServiceBaselineTest {
}
