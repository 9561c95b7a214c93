package io.hyperai.execution;

import io.hyperai.test.ServiceBaselineTest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@QuarkusTestResource(ExecutionTestResource.class)
class ExecutionServiceBaselineTest extends ServiceBaselineTest {
}
