package io.hyperai.deploy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;

/**
 * What the rendered NetworkPolicies of one namespace let a pod send, evaluated as the Kubernetes API defines it:
 * policies are a union of allowances, a pod selected by no policy of type Egress sends anywhere. A destination pod
 * matches a peer by its namespace's and its own labels, or by its IP in an ipBlock (CNIs differ there, so both
 * count: the stricter reading of a fence).
 */
final class NetworkPolicies {

    /** Where a packet goes: an IP, and for a pod its namespace's labels and its own (null otherwise). */
    record Destination(String ip, String protocol, int port, Map<String, String> namespaceLabels,
            Map<String, String> podLabels) {

        static Destination ip(String ip, String protocol, int port) {
            return new Destination(ip, protocol, port, null, null);
        }

        static Destination pod(String namespace, Map<String, String> labels, String ip, String protocol, int port) {
            return new Destination(ip, protocol, port, Map.of("kubernetes.io/metadata.name", namespace), labels);
        }
    }

    private final String namespace;
    private final List<NetworkPolicy> policies;

    NetworkPolicies(Rendered render, String namespace) {
        this.namespace = namespace;
        this.policies = render.all(NetworkPolicy.class).stream()
                .filter(p -> namespace.equals(p.getMetadata().getNamespace())).toList();
    }

    NetworkPolicy named(String name) {
        return policies.stream().filter(p -> name.equals(p.getMetadata().getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no NetworkPolicy " + namespace + "/" + name));
    }

    boolean allowsEgress(Map<String, String> pod, Destination to) {
        return allows("Egress", pod, to, p -> p.getSpec().getEgress().stream()
                .map(r -> new Rule(r.getPorts(), r.getTo())).toList());
    }

    /**
     * Whether a pod with these labels accepts a connection from {@code from} (its namespace's and its own labels,
     * its IP, and the port it connects to on this pod).
     */
    boolean allowsIngress(Map<String, String> pod, Destination from) {
        return allows("Ingress", pod, from, p -> p.getSpec().getIngress().stream()
                .map(r -> new Rule(r.getPorts(), r.getFrom())).toList());
    }

    /** A rule of either direction: ports, and the peers at the other end. */
    private record Rule(List<NetworkPolicyPort> ports, List<NetworkPolicyPeer> peers) {
    }

    /** A pod selected by no policy of the type is unrestricted in that direction; otherwise some rule must match. */
    private boolean allows(String type, Map<String, String> pod, Destination other,
            java.util.function.Function<NetworkPolicy, List<Rule>> rules) {
        List<NetworkPolicy> selecting = policies.stream()
                .filter(p -> p.getSpec().getPolicyTypes().contains(type))
                .filter(p -> matches(p.getSpec().getPodSelector(), pod)).toList();
        if (selecting.isEmpty()) {
            return true;
        }
        return selecting.stream().flatMap(p -> rules.apply(p).stream())
                .anyMatch(rule -> ports(rule.ports(), other) && peers(rule.peers(), other));
    }

    private static boolean ports(List<NetworkPolicyPort> ports, Destination to) {
        if (ports == null || ports.isEmpty()) {
            return true;
        }
        return ports.stream().anyMatch(p -> (p.getProtocol() == null ? "TCP" : p.getProtocol()).equals(to.protocol())
                && (p.getPort() == null || p.getPort().getIntVal() == to.port()));
    }

    private boolean peers(List<NetworkPolicyPeer> peers, Destination to) {
        if (peers == null || peers.isEmpty()) {
            return true;
        }
        for (NetworkPolicyPeer peer : peers) {
            if (peer.getIpBlock() != null) {
                if (inBlock(peer.getIpBlock(), to.ip())) {
                    return true;
                }
            } else if (to.podLabels() != null) {
                boolean namespaceMatches = peer.getNamespaceSelector() == null
                        ? namespace.equals(to.namespaceLabels().get("kubernetes.io/metadata.name"))
                        : matches(peer.getNamespaceSelector(), to.namespaceLabels());
                boolean podMatches = peer.getPodSelector() == null || matches(peer.getPodSelector(), to.podLabels());
                if (namespaceMatches && podMatches) {
                    return true;
                }
            }
        }
        return false;
    }

    static boolean inBlock(IPBlock block, String ip) {
        return contains(block.getCidr(), ip)
                && (block.getExcept() == null || block.getExcept().stream().noneMatch(e -> contains(e, ip)));
    }

    static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector.getMatchLabels() != null) {
            for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
                if (!e.getValue().equals(labels.get(e.getKey()))) {
                    return false;
                }
            }
        }
        for (LabelSelectorRequirement r : selector.getMatchExpressions() == null ? List.<LabelSelectorRequirement>of()
                : selector.getMatchExpressions()) {
            String value = labels.get(r.getKey());
            boolean ok = switch (r.getOperator()) {
                case "In" -> r.getValues().contains(value);
                case "NotIn" -> value == null || !r.getValues().contains(value);
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> throw new AssertionError("operator " + r.getOperator());
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code cidr} holds {@code ip}; an IPv4 address is never inside an IPv6 block nor the reverse. */
    static boolean contains(String cidr, String ip) {
        String[] parts = cidr.split("/");
        byte[] net = bytes(parts[0]);
        byte[] addr = bytes(ip);
        if (net.length != addr.length) {
            return false;
        }
        int bits = Integer.parseInt(parts[1]);
        int width = net.length * 8;
        BigInteger mask = BigInteger.ONE.shiftLeft(width).subtract(BigInteger.ONE)
                .xor(BigInteger.ONE.shiftLeft(width - bits).subtract(BigInteger.ONE));
        return new BigInteger(1, net).and(mask).equals(new BigInteger(1, addr).and(mask));
    }

    /** The address as it goes on the wire: IPv4-mapped IPv6 stays 16 bytes (InetAddress would make it IPv4). */
    static byte[] bytes(String ip) {
        if (!ip.contains(":")) {
            String[] octets = ip.split("\\.");
            byte[] b = new byte[4];
            for (int i = 0; i < 4; i++) {
                b[i] = (byte) Integer.parseInt(octets[i]);
            }
            return b;
        }
        List<Integer> groups = new ArrayList<>();
        String[] halves = ip.split("::", -1);
        List<Integer> head = groups(halves[0]);
        List<Integer> tail = halves.length > 1 ? groups(halves[1]) : List.of();
        groups.addAll(head);
        for (int i = head.size() + tail.size(); i < 8; i++) {
            groups.add(0);
        }
        groups.addAll(tail);
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[2 * i] = (byte) (groups.get(i) >> 8);
            b[2 * i + 1] = (byte) (int) groups.get(i);
        }
        return b;
    }

    private static List<Integer> groups(String part) {
        List<Integer> groups = new ArrayList<>();
        if (part.isEmpty()) {
            return groups;
        }
        for (String g : part.split(":")) {
            if (g.contains(".")) {
                byte[] v4 = bytes(g);
                groups.add(((v4[0] & 0xff) << 8) | (v4[1] & 0xff));
                groups.add(((v4[2] & 0xff) << 8) | (v4[3] & 0xff));
            } else {
                groups.add(Integer.parseInt(g, 16));
            }
        }
        return groups;
    }

    @Override
    public String toString() {
        return Arrays.toString(policies.stream().map(p -> p.getMetadata().getName()).toArray());
    }
}
