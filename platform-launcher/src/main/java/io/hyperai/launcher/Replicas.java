package io.hyperai.launcher;

import java.util.List;
import java.util.Optional;
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
     * How many instances of {@code service} run. execution-service on the local runtime runs once: its executions are
     * child processes of the instance that started them, which another instance could neither see nor stop.
     */
    static int count(Component service, int replicas, String executionRuntime) {
        return service == Component.EXECUTION && localRuntime(executionRuntime) ? 1 : replicas;
    }

    /** The instances of {@code service}: one on its own port, or {@link #count} numbered ones on their own ports. */
    static List<Instance> instances(Component service, int replicas, int servicePort, String executionRuntime) {
        int n = count(service, replicas, executionRuntime);
        if (n == 1) {
            return List.of(Instance.only(service, servicePort));
        }
        return IntStream.rangeClosed(1, n).mapToObj(i -> new Instance(service, i, servicePort + PORT_STEP * i))
                .toList();
    }

    /** The line {@code up} prints when it keeps execution-service at one instance. */
    static Optional<String> executionNote(int replicas, String executionRuntime) {
        if (replicas == 1 || !localRuntime(executionRuntime)) {
            return Optional.empty();
        }
        return Optional.of("execution-service runs as one instance: on the local runtime its executions are its own"
                + " child processes, which other instances could neither see nor stop"
                + " (HYPERAI_EXECUTION_RUNTIME=kubernetes runs " + replicas + ")");
    }

    private static boolean localRuntime(String executionRuntime) {
        return "local".equals(executionRuntime);
    }
}
