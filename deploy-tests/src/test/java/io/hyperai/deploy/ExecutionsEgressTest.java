package io.hyperai.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.hyperai.deploy.NetworkPolicies.Destination;

/**
 * Where user code may send packets, evaluated over the rendered NetworkPolicies of the executions namespace: DNS to
 * kube-dns, the public internet (IPv4 and IPv6) and an operator's allow-list; not the cluster's pods and services of
 * any namespace, link-local, CGNAT, loopback, private IPv4 through NAT64. The platform's save pods send nothing. The
 * cluster's ranges and the allow-list are patched the way docs/deploy.md tells an operator to.
 */
class ExecutionsEgressTest {

    static final Map<String, String> EXECUTION = ExecutionsAndInfrastructureTest.EXECUTION_POD;
    static final Map<String, String> SAVE = Map.of("app.kubernetes.io/managed-by", "hyperai-execution-service",
            "app.kubernetes.io/component", "home-save");
    static final Map<String, String> KUBE_DNS = Map.of("k8s-app", "kube-dns");

    static List<Rendered> renders() {
        return Rendered.all();
    }

    private static NetworkPolicies fence(Rendered render) {
        return new NetworkPolicies(render, Repo.EXECUTIONS);
    }

    @ParameterizedTest
    @MethodSource("renders")
    void thePublicInternetIsReachableOverIpv4AndIpv6(Rendered render) {
        NetworkPolicies fence = fence(render);
        for (String ip : List.of("8.8.8.8", "151.101.0.223", "1.1.1.1", "2606:4700:4700::1111", "2a04:4e42::223")) {
            assertThat(fence.allowsEgress(EXECUTION, Destination.ip(ip, "TCP", 443))).as(ip).isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource("renders")
    void theClusterAndNonPublicRangesAreNot(Rendered render) {
        NetworkPolicies fence = fence(render);
        List<String> blocked = List.of(
                // private: the usual pod, service and node ranges
                "10.96.0.1", "10.244.3.7", "172.17.0.1", "172.31.255.254", "192.168.1.10",
                "100.64.0.10", "100.127.255.1",   // CGNAT
                "169.254.169.254", "169.254.20.10", // cloud metadata, NodeLocal DNSCache
                "127.0.0.1", "127.1.2.3", "0.0.0.0", "224.0.0.251",
                "::1", "fe80::1", "fd00:ec2::254", "fd12:3456::10", // ULA: dual-stack pod and service ranges
                "64:ff9b::10.0.0.1", "64:ff9b::a9fe:a9fe"); // NAT64 of private and metadata addresses
        for (String ip : blocked) {
            for (String protocol : List.of("TCP", "UDP")) {
                assertThat(fence.allowsEgress(EXECUTION, Destination.ip(ip, protocol, 443))).as(ip).isFalse();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("renders")
    void podsOfOtherNamespacesThePlatformAndOtherExecutionsAreNot(Rendered render) {
        NetworkPolicies fence = fence(render);
        List<Destination> pods = List.of(
                Destination.pod("monitoring", Map.of("app", "prometheus"), "10.244.1.9", "TCP", 9090),
                Destination.pod("default", Map.of("app", "web"), "100.72.0.4", "TCP", 80),
                Destination.pod(Repo.NAMESPACE, Map.of("app.kubernetes.io/name", "execution-service"), "10.244.2.2",
                        "TCP", 8080),
                Destination.pod(Repo.NAMESPACE, Map.of("cnpg.io/cluster", "hyperai-postgres"), "10.244.2.3", "TCP",
                        5432),
                Destination.pod(Repo.EXECUTIONS, EXECUTION, "10.244.4.4", "TCP", 8888),
                Destination.pod("kube-system", Map.of("component", "kube-apiserver"), "10.0.0.1", "TCP", 6443),
                Destination.pod("kube-system", KUBE_DNS, "10.244.0.5", "TCP", 9153));
        for (Destination pod : pods) {
            assertThat(fence.allowsEgress(EXECUTION, pod)).as(pod.toString()).isFalse();
        }
    }

    @ParameterizedTest
    @MethodSource("renders")
    void dnsGoesToKubeDnsOnly(Rendered render) {
        NetworkPolicies fence = fence(render);
        for (String protocol : List.of("UDP", "TCP")) {
            assertThat(fence.allowsEgress(EXECUTION,
                    Destination.pod("kube-system", KUBE_DNS, "10.244.0.5", protocol, 53))).isTrue();
        }
        Destination notDns = Destination.pod("kube-system", Map.of("k8s-app", "metrics-server"), "10.244.0.6", "UDP",
                53);
        assertThat(fence.allowsEgress(EXECUTION, notDns)).isFalse();
        assertThat(fence.allowsEgress(EXECUTION,
                Destination.pod("tenant", KUBE_DNS, "10.244.9.9", "UDP", 53))).isFalse();
    }

    @ParameterizedTest
    @MethodSource("renders")
    void savePodsSendNothingAndTheAllowListIsEmptyByDefault(Rendered render) {
        NetworkPolicies fence = fence(render);
        assertThat(fence.allowsEgress(SAVE, Destination.ip("8.8.8.8", "TCP", 443))).isFalse();
        assertThat(fence.allowsEgress(SAVE, Destination.pod("kube-system", KUBE_DNS, "10.244.0.5", "UDP", 53)))
                .isFalse();
        assertThat(fence.named("executions-egress-allowlist").getSpec().getEgress()).isEmpty();
        assertThat(fence.named("executions-egress-allowlist").getSpec().getPodSelector().getMatchLabels())
                .isEqualTo(EXECUTION);
    }

    /** The patches of docs/deploy.md: pods on public IPv4 space, an IPv6 pod range, and a mirror inside the cluster. */
    @Test
    void anOverlayAddsTheClustersRangesAndTheAllowList(@TempDir Path overlay) throws IOException {
        Files.writeString(overlay.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - %s
                patches:
                  - target:
                      kind: NetworkPolicy
                      name: executions-internet
                    patch: |-
                      - op: add
                        path: /spec/egress/0/to/0/ipBlock/except/-
                        value: 34.118.224.0/20
                      - op: add
                        path: /spec/egress/0/to/1/ipBlock/except/-
                        value: 2600:1f18:aaaa::/56
                  - target:
                      kind: NetworkPolicy
                      name: executions-egress-allowlist
                    patch: |-
                      - op: add
                        path: /spec/egress/-
                        value:
                          to:
                            - ipBlock:
                                cidr: 10.20.30.40/32
                          ports:
                            - protocol: TCP
                              port: 3128
                """.formatted(Repo.DEPLOY.resolve("base")));
        NetworkPolicies before = fence(Rendered.BASE);
        NetworkPolicies after = fence(Rendered.of("overlay", overlay));
        assertThat(before.allowsEgress(EXECUTION, Destination.ip("34.118.230.7", "TCP", 8080))).isTrue();
        assertThat(after.allowsEgress(EXECUTION, Destination.ip("34.118.230.7", "TCP", 8080))).isFalse();
        assertThat(after.allowsEgress(EXECUTION, Destination.ip("2600:1f18:aaaa:1::7", "TCP", 8080))).isFalse();
        assertThat(after.allowsEgress(EXECUTION, Destination.ip("10.20.30.40", "TCP", 3128))).isTrue();
        assertThat(after.allowsEgress(EXECUTION, Destination.ip("10.20.30.40", "TCP", 22))).isFalse();
        assertThat(after.allowsEgress(EXECUTION, Destination.ip("10.20.30.41", "TCP", 3128))).isFalse();
        assertThat(after.allowsEgress(EXECUTION, Destination.ip("8.8.8.8", "TCP", 443))).isTrue();
        assertThat(after.allowsEgress(SAVE, Destination.ip("10.20.30.40", "TCP", 3128))).isFalse();
    }
}
