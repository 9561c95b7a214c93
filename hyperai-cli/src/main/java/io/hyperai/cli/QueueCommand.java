package io.hyperai.cli;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;

/**
 * {@code hyperai queue}: each pool's capacity, what is in use, how many executions run and wait; then where the
 * caller's own waiting executions stand (position 1 is next) and when they are estimated to start.
 */
@Command(name = "queue", description = "The execution queue of each pool (a GPU model, or cpu): capacity, in use,"
        + " running and waiting; and your waiting executions with their position (1 is next) and estimated start.")
final class QueueCommand extends Base {

    /** How a pool's resources are shown: by what limits it, decided from its capacity. */
    enum Kind {
        GPU, CPU_MEMORY, SLOTS, NONE
    }

    QueueCommand(Cli cli) {
        super(cli);
    }

    @Override
    int execute() {
        JsonNode queue = api().get("execution", "/api/v1/queue");
        if (json()) {
            cli.json(queue);
            return 0;
        }
        List<List<String>> pools = new ArrayList<>();
        for (JsonNode pool : queue.path("pools")) {
            JsonNode capacity = pool.path("capacity");
            Kind kind = kind(capacity);
            pools.add(row(text(pool, "pool"), resources(capacity, kind), resources(pool.path("inUse"), kind),
                    pool.path("running").asInt(), pool.path("waiting").asInt()));
        }
        cli.print(Format.table(List.of("POOL", "CAPACITY", "IN USE", "RUNNING", "WAITING"), pools));
        cli.println("");
        JsonNode mine = queue.path("mine");
        if (mine.isEmpty()) {
            cli.println("none of your executions are waiting");
            return 0;
        }
        Instant now = now();
        List<List<String>> waiting = new ArrayList<>();
        for (JsonNode place : mine) {
            waiting.add(row(text(place, "executionId"), text(place, "pool"), place.path("position").asInt(),
                    estimate(place, now)));
        }
        cli.println("your waiting executions");
        cli.print(Format.table(List.of("EXECUTION", "POOL", "POSITION", "ESTIMATED START"), waiting));
        return 0;
    }

    /** {@code in 12m 00s}, or {@code unknown} when the platform has no estimate (it could not fit an empty pool). */
    static String estimate(JsonNode place, Instant now) {
        Instant at = Format.instant(text(place, "estimatedStartAt"));
        return at == null ? "unknown" : Format.fromNow(at, now);
    }

    /** GPUs for a pool that has any; else vCPUs and memory if they limit it; else slots. */
    static Kind kind(JsonNode capacity) {
        if (capacity.path("gpus").asLong() > 0) {
            return Kind.GPU;
        }
        if (capacity.hasNonNull("vcpu") || capacity.hasNonNull("memoryMib")) {
            return Kind.CPU_MEMORY;
        }
        return capacity.hasNonNull("slots") ? Kind.SLOTS : Kind.NONE;
    }

    /**
     * {@code 8 GPU}, {@code 96 vCPU 1024 GiB}, {@code 8 slots}: the dimensions of the pool's kind that the node has
     * (capacity and in use alike, so that the two columns compare); null (printed {@code -}) when it has none.
     */
    static String resources(JsonNode r, Kind kind) {
        switch (kind) {
            case GPU:
                return r.hasNonNull("gpus") ? r.get("gpus").asLong() + " GPU" : null;
            case CPU_MEMORY:
                List<String> parts = new ArrayList<>();
                if (r.hasNonNull("vcpu")) {
                    parts.add(decimal(r.get("vcpu").decimalValue()) + " vCPU");
                }
                if (r.hasNonNull("memoryMib")) {
                    parts.add(memory(r.get("memoryMib").asLong()));
                }
                return parts.isEmpty() ? null : String.join(" ", parts);
            case SLOTS:
                return r.hasNonNull("slots") ? Format.count(r.get("slots").asLong(), "slot") : null;
            default:
                return null;
        }
    }

    /** Whole GiB as {@code 672 GiB}, else one decimal ({@code 1.5 GiB}); under 1 GiB in MiB. */
    static String memory(long mib) {
        if (mib < 1024) {
            return mib + " MiB";
        }
        return decimal(BigDecimal.valueOf(mib).divide(BigDecimal.valueOf(1024))) + " GiB";
    }

    /** At most one decimal, none when it is whole: {@code 96}, {@code 0.5}. */
    private static String decimal(BigDecimal value) {
        BigDecimal rounded = value.setScale(1, RoundingMode.HALF_UP).stripTrailingZeros();
        return rounded.scale() < 0 ? rounded.setScale(0).toPlainString() : rounded.toPlainString();
    }
}
