package io.hyperai.storage;

import static io.hyperai.storage.StorageFixtures.*;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.hyperai.common.events.EventCodec;
import io.hyperai.common.events.EventEnvelope;
import io.hyperai.common.events.EventType;
import io.hyperai.common.events.Topics;
import io.hyperai.common.events.payload.StoredBytes;
import io.hyperai.test.KafkaProbe;
import io.hyperai.test.SharedInfrastructure;
import io.hyperai.test.Sql;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Prints usage events per second from Kafka into the ledger (the service's consumer: inbox claims, objects, usage,
 * quota check, one transaction per poll), beside a bare consumer that reads the same records and batch-writes the same
 * object rows, and their ratio. Not a test: excluded by its name. Run with
 * {@code ./mvnw -B test -pl storage-service -Dtest=IngestBench [-Dbench.objects=8000]}, after a warm-up round of a quarter of that.
 */
@QuarkusTest
class IngestBench {

    @Test
    void ingest() throws Exception {
        int objects = Integer.getInteger("bench.objects", 8000);
        round(objects / 4, false); // warms both paths up (JIT, connections, prepared statements)
        round(objects, true);
    }

    private void round(int objects, boolean print) throws Exception {
        String owner = newUser();
        Random random = new Random(1);
        List<String[]> records = new ArrayList<>();
        long kept = 0;
        int keptObjects = 0;
        for (int i = 0; i < objects; i++) {
            String id = UUID.randomUUID().toString();
            long bytes = 1 + random.nextInt(1_000_000);
            records.add(record(EventType.CODE_UPLOADED, id, new StoredBytes(id, owner, bytes)));
            if (i % 4 == 3) { // a quarter deleted again
                records.add(record(EventType.CODE_DELETED, id, new StoredBytes(id, owner, bytes)));
            } else {
                kept += bytes;
                keptObjects++;
            }
        }
        // the bare consumer reads from here: only this run's records, as the service does
        var from = KafkaProbe.shared().endOffsets(Topics.EXECUTION);
        long start = System.nanoTime();
        KafkaProbe.shared().sendAll(Topics.EXECUTION, records);
        long expected = kept;
        while (used(owner) != expected || number("SELECT count(*) FROM storage_object WHERE user_id = ?", owner)
                != keptObjects) {
            Thread.sleep(50);
        }
        double service = (System.nanoTime() - start) / 1e9;

        // the bare consumer: read the same records, one batched upsert and one batched delete of the same rows
        long bareStart = System.nanoTime();
        List<ConsumerRecord<String, String>> read = KafkaProbe.shared().readFrom(from,
                Duration.ofMinutes(5), rs -> rs.stream().filter(r -> r.value().contains(owner)).count() >= records.size());
        try (Connection c = SharedInfrastructure.postgres().connect("storage")) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TEMP TABLE bare_object (object_id varchar(300) PRIMARY KEY, user_id varchar(200),"
                        + " bytes bigint)");
            }
            c.setAutoCommit(false);
            try (PreparedStatement put = c.prepareStatement("INSERT INTO bare_object VALUES (?, ?, ?)"
                    + " ON CONFLICT (object_id) DO UPDATE SET bytes = EXCLUDED.bytes");
                    PreparedStatement delete = c.prepareStatement("DELETE FROM bare_object WHERE object_id = ?")) {
                for (ConsumerRecord<String, String> r : read) {
                    if (!r.value().contains(owner)) {
                        continue;
                    }
                    EventEnvelope e = EventCodec.read(r.value());
                    StoredBytes b = EventCodec.payload(e, StoredBytes.class);
                    if (e.type().equals(EventType.CODE_UPLOADED.type())) {
                        put.setString(1, b.objectId());
                        put.setString(2, b.ownerId());
                        put.setLong(3, b.bytes());
                        put.addBatch();
                    } else {
                        delete.setString(1, b.objectId());
                        delete.addBatch();
                    }
                }
                put.executeBatch();
                delete.executeBatch();
            }
            c.commit();
        }
        double bare = (System.nanoTime() - bareStart) / 1e9;
        if (!print) {
            return;
        }
        System.out.printf("BENCH storage ingest: %,d events (%,d objects, %,d kept) in %.2f s = %,.0f events/s;"
                + " bare consumer: %.2f s = %,.0f events/s; ratio %.2f%n", records.size(), objects, keptObjects,
                service, records.size() / service, bare, records.size() / bare, bare / service);
        // one machine-readable line for bench/run-all.sh: BENCH|name|figure|unit|baseline|ratio|note
        System.out.printf(Locale.ROOT, "BENCH|storage ingest (%d events)|%.0f|events/s|%.0f|%.2f|bare consumer: read the"
                + " same records, one batched upsert and one batched delete of the same rows%n", records.size(),
                records.size() / service, records.size() / bare, bare / service);
    }

    private static String[] record(EventType type, String key, StoredBytes payload) {
        return new String[] { key, EventCodec.write(event(type, key, payload)) };
    }

    private static long number(String sql, Object... params) {
        return Sql.number(() -> SharedInfrastructure.postgres().connect("storage"), sql, params);
    }
}
