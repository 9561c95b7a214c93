package io.hyperai.execution.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;

/** The cluster's pools from its nodes, bounded by the namespace's quota. */
class ClusterCapacityTest {

    static Node node(String name, String gpuModel, String cpu, String memory, String gpus, boolean ready,
            boolean cordoned) {
        return new NodeBuilder().withNewMetadata().withName(name)
                .withLabels(gpuModel == null ? Map.of() : Map.of(ClusterCapacity.GPU_MODEL_LABEL, gpuModel))
                .endMetadata().withNewSpec().withUnschedulable(cordoned).endSpec()
                .withNewStatus().withAllocatable(Map.of("cpu", new Quantity(cpu), "memory", new Quantity(memory),
                        "nvidia.com/gpu", new Quantity(gpus), "pods", new Quantity("110")))
                .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
                .endStatus().build();
    }

    @Test
    void poolsSumTheirReadySchedulableNodesAndTheQuotaBoundsThemAll() {
        List<Node> nodes = List.of(node("cpu-a", null, "15500m", "62Gi", "0", true, false),
                node("cpu-b", null, "16", "64Gi", "0", true, false),
                node("h100-a", "h100-80g", "96", "960Gi", "8", true, false),
                node("h100-b", "h100-80g", "96", "960Gi", "8", false, false),
                node("h100-c", "h100-80g", "96", "960Gi", "8", true, true));
        ResourceQuota quota = new ResourceQuotaBuilder().withNewSpec().withHard(Map.of("requests.cpu",
                new Quantity("256"), "limits.memory", new Quantity("2Ti"), "requests.nvidia.com/gpu", new Quantity("16"),
                "pods", new Quantity("100"))).endSpec().build();

        Capacities c = ClusterCapacity.read(nodes, List.of(quota));

        assertThat(c.pool(Pools.CPU)).isEqualTo(new Amount(31_500, (62 + 64) * 1024, 0, 220));
        // the NotReady and the cordoned node do not count
        assertThat(c.pool("h100-80g")).isEqualTo(new Amount(96_000, 960 * 1024, 8, 110));
        assertThat(c.overall()).isEqualTo(new Amount(256_000, 2 * 1024 * 1024, 16, 100));
        assertThat(c.couldEverFit("h100-80g", new Amount(96_000, 983_040, 8, 1))).isTrue();
        assertThat(c.couldEverFit("a100-80g", new Amount(12_000, 86_016, 1, 1))).isFalse();
    }
}
