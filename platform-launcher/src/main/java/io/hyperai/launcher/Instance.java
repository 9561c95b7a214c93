package io.hyperai.launcher;

/**
 * One process of a service: the only one ({@code number} 0, named exactly as before replicas existed) or instance
 * {@code number} 1..N of a service started with {@code --replicas N}, which runs behind a round robin on the
 * service's port.
 */
record Instance(Component service, int number, int port) {

    Instance {
        if (!service.isService() || number < 0) {
            throw new IllegalArgumentException(service + " has no instance " + number);
        }
    }

    /** The service as one process on {@code port}. */
    static Instance only(Component service, int port) {
        return new Instance(service, 0, port);
    }

    boolean numbered() {
        return number > 0;
    }

    /** In {@code run/platform.properties} ({@code pid.billing-2}); the service's own key when it is the only one. */
    String key() {
        return key(service, number);
    }

    static String key(Component service, int number) {
        return number > 0 ? service.key() + "-" + number : service.key();
    }

    /** In messages and the log file name: {@code billing-service-2}. */
    String name() {
        return numbered() ? service.moduleName() + "-" + number : service.moduleName();
    }

    String logName() {
        return name() + ".log";
    }

    /**
     * {@code HYPERAI_LEASE_HOLDER}: stable across restarts, so a restarted instance takes its lease back at once
     * rather than after it lapses; distinct per instance, because two live instances with one name would both lead.
     */
    String holder() {
        return service.moduleName() + "@launcher" + (numbered() ? "-" + number : "");
    }
}
