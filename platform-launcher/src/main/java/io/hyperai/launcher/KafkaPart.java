package io.hyperai.launcher;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.hyperai.infra.KafkaBroker;

/** A KRaft Kafka broker in a child JVM, with every service's topic and its dead-letter topic created up front. */
final class KafkaPart extends Part {

    /** Kafka topics created up front: partitions per topic; each gets a {@code .dlq} dead-letter topic. */
    static final Map<String, Integer> TOPICS = topics();

    private volatile KafkaBroker broker;

    KafkaPart(UpContext ctx) {
        super(Component.KAFKA, ctx);
    }

    private static Map<String, Integer> topics() {
        Map<String, Integer> t = new LinkedHashMap<>();
        for (Component s : Component.services()) {
            t.put(s.key() + "-events", 3);
        }
        for (String name : List.copyOf(t.keySet())) {
            t.put(name + ".dlq", 1);
        }
        return t;
    }

    @Override
    String label() {
        return "Kafka";
    }

    @Override
    void start() {
        try {
            broker = KafkaBroker.start(ctx.data.resolve("kafka"), ctx.port(component));
        } catch (RuntimeException e) {
            throw new StartFailure("Kafka did not start: " + UpContext.firstLine(e), log());
        }
        ctx.link("kafka.log", broker.logFile());
        recordPid();
        try {
            broker.createTopics(TOPICS);
        } catch (RuntimeException e) {
            throw new StartFailure("Kafka topics could not be created: " + UpContext.firstLine(e), broker.logFile());
        }
    }

    private void recordPid() {
        ctx.state.recordProcess(component, broker.pid(), Procs.startMillis(broker.pid()));
    }

    @Override
    void restart() {
        broker.restart(); // same data and ports; a broker killed from outside is just started
        recordPid();
    }

    @Override
    boolean started() {
        return broker != null;
    }

    @Override
    boolean running() {
        KafkaBroker b = broker;
        return b == null || b.isRunning();
    }

    @Override
    Path log() {
        KafkaBroker b = broker;
        return b != null ? b.logFile() : ctx.data.resolve("kafka.log");
    }

    @Override
    String address() {
        return broker.bootstrapServers();
    }

    @Override
    String readyDetail() {
        return "; " + TOPICS.size() + " topics";
    }

    @Override
    String stop() {
        KafkaBroker b = broker;
        broker = null;
        b.stop();
        return "";
    }
}
