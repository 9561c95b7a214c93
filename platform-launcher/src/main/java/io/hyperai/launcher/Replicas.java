package io.hyperai.launcher;

import java.util.List;
import java.util.stream.IntStream;

/**
 * How {@code --replicas N} lays out the instances of a service. Pure, so unit-tested.
 *
 * <p>Instance n (1..N) listens on the service's port + 10 n (gear 8111, 8121, ...; billing 8115, 8125, ...): fixed
 * ports that {@code status} and the log names can tell people about, clear of the documented ports (8180 ends in 0,
 * the services' in 1-5). The service's own port is then a round robin in front of them.
 */
final class Replicas {

    static final int DEFAULT = 1;
    /** Keeps instance ports inside the service's block of 100; more JVMs than this would not fit a machine anyway. */
    static final int MAX = 9;
    static final int PORT_STEP = 10;

    private Replicas() {
    }

    /**
     * The instances of {@code service}: one on its own port, or {@code replicas} numbered ones on their own ports.
     * execution-service too on the local runtime: its leader runs every execution and the others forward to it.
     */
    static List<Instance> instances(Component service, int replicas, int servicePort) {
        if (replicas == 1) {
            return List.of(Instance.only(service, servicePort));
        }
        return IntStream.rangeClosed(1, replicas).mapToObj(i -> new Instance(service, i, servicePort + PORT_STEP * i))
                .toList();
    }
}
