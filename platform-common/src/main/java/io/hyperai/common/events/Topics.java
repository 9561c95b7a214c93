package io.hyperai.common.events;

import java.util.List;

/** One topic per source service; dead letters go to the topic's name plus {@link #DLQ_SUFFIX}. */
public final class Topics {
    public static final String GEAR = "gear-events";
    public static final String EXECUTION = "execution-events";
    public static final String WAREHOUSE = "warehouse-events";
    public static final String STORAGE = "storage-events";
    public static final String BILLING = "billing-events";
    public static final String DLQ_SUFFIX = ".dlq";

    public static final List<String> ALL = List.of(GEAR, EXECUTION, WAREHOUSE, STORAGE, BILLING);

    private Topics() {
    }
}
