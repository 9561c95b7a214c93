package io.hyperai.common.events;

import java.util.List;
import java.util.Map;

/** One topic per source service; dead letters go to the topic's name plus {@link #DLQ_SUFFIX}. */
public final class Topics {
    public static final String GEAR = "gear-events";
    public static final String EXECUTION = "execution-events";
    public static final String WAREHOUSE = "warehouse-events";
    public static final String STORAGE = "storage-events";
    public static final String BILLING = "billing-events";
    public static final String DLQ_SUFFIX = ".dlq";

    public static final List<String> ALL = List.of(GEAR, EXECUTION, WAREHOUSE, STORAGE, BILLING);

    /**
     * The one service that publishes each topic, as the CloudEvents {@code source} of its events: only it holds the
     * broker's write permission on the topic (deploy/ ACLs), and consumers refuse an event of the topic's types that
     * claims any other source.
     */
    private static final Map<String, String> PRODUCERS = Map.of(GEAR, "/gear-service", EXECUTION,
            "/execution-service", WAREHOUSE, "/warehouse-service", STORAGE, "/storage-service", BILLING,
            "/billing-service");

    /** The source of every event on {@code topic}. */
    public static String producer(String topic) {
        String producer = PRODUCERS.get(topic);
        if (producer == null) {
            throw new IllegalArgumentException("no platform topic " + topic);
        }
        return producer;
    }

    private Topics() {
    }
}
