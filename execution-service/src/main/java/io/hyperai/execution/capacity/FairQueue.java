package io.hyperai.execution.capacity;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * The order in which waiting executions get their pool, and when each is expected to start: one simulation serves
 * both. From now, whatever fits is placed in fair order; then time moves to the next expected end of what holds the
 * pool, which frees its resources, and so on until every waiting execution has a place. Those placed before time
 * moves are the ones to dispatch now; each one's place in its pool's order is its position, and the simulated time
 * it was placed at its estimated start.
 * <p>
 * Fair order, per pool: the next execution is the oldest waiting one of the user holding the smallest dominant share
 * of the pool (counting what is simulated as placed), so a second user's first run overtakes the first user's tenth;
 * a user who holds some of the pool and whose next run would take them above {@code maxShare} waits while anyone else
 * waits for that pool (a user holding nothing may always have a run). Within a user, first come first served. The
 * pool's next execution is never overtaken by a smaller one that would fit (no backfilling), so a large run is not
 * starved by small ones and estimates hold; a run that could never fit, even on an empty pool, is set aside with no
 * estimate instead of blocking the pool.
 */
public final class FairQueue {

    /** An execution holding resources (dispatched), expected to release them at {@code expectedEnd}. */
    public record Holding(String id, String owner, String pool, Amount demand, Instant expectedEnd) {
    }

    /** An execution waiting for its pool, expected to run for {@code expectedRuntime} once it starts. */
    public record Waiting(String id, String owner, String pool, Amount demand, Instant queuedAt,
            Duration expectedRuntime) {
    }

    /** A waiting execution's place: 1 is next; {@code estimatedStartAt} is null when it could never fit. */
    public record Place(String pool, int position, Instant estimatedStartAt) {
    }

    /** What to dispatch now (in order), and every waiting execution's place. */
    public record Plan(List<Waiting> dispatchNow, Map<String, Place> places) {
    }

    private FairQueue() {
    }

    public static Plan plan(Instant now, Capacities capacities, List<Holding> holding, List<Waiting> waiting,
            double maxShare) {
        return new Simulation(now, capacities, holding, waiting, maxShare).run();
    }

    private static final class Simulation {
        private final Instant now;
        private final Capacities capacities;
        private final double maxShare;
        private final Map<String, Amount> free = new HashMap<>();
        private Amount overallFree;
        private final Map<String, Map<String, Amount>> held = new HashMap<>(); // pool -> owner -> amount
        private final Map<String, Map<String, Deque<Waiting>>> queues = new TreeMap<>(); // pool -> owner -> runs
        private final PriorityQueue<Holding> ends = new PriorityQueue<>(Comparator.comparing(Holding::expectedEnd));
        private final Map<String, Integer> positions = new HashMap<>();
        private final Map<String, Place> places = new HashMap<>();
        private final List<Waiting> dispatchNow = new ArrayList<>();

        Simulation(Instant now, Capacities capacities, List<Holding> holding, List<Waiting> waiting, double maxShare) {
            this.now = now;
            this.capacities = capacities;
            this.maxShare = maxShare;
            this.overallFree = capacities.overall();
            for (Holding h : holding) {
                take(h.pool(), h.owner(), h.demand());
                ends.add(h);
            }
            List<Waiting> ordered = new ArrayList<>(waiting);
            ordered.sort(Comparator.comparing(Waiting::queuedAt).thenComparing(Waiting::id));
            for (Waiting w : ordered) {
                if (!capacities.couldEverFit(w.pool(), w.demand())) {
                    places.put(w.id(), new Place(w.pool(), 0, null)); // numbered after the others below
                    continue;
                }
                queues.computeIfAbsent(w.pool(), p -> new TreeMap<>())
                        .computeIfAbsent(w.owner(), o -> new ArrayDeque<>()).add(w);
            }
        }

        Plan run() {
            Instant t = now;
            while (!queues.isEmpty()) {
                placeWhatFits(t);
                if (queues.isEmpty()) {
                    break;
                }
                Holding next = ends.poll();
                if (next == null) {
                    // nothing will ever free what the rest waits for (capacity fell below what is held)
                    queues.forEach((pool, byOwner) -> byOwner.values().forEach(runs -> runs
                            .forEach(w -> places.put(w.id(), new Place(pool, positions.merge(pool, 1, Integer::sum),
                                    null)))));
                    break;
                }
                t = next.expectedEnd().isAfter(t) ? next.expectedEnd() : t;
                release(next);
                while (!ends.isEmpty() && !ends.peek().expectedEnd().isAfter(t)) {
                    release(ends.poll());
                }
            }
            // what could never fit comes last in its pool, without an estimate
            places.replaceAll((id, p) -> p.position() == 0
                    ? new Place(p.pool(), positions.merge(p.pool(), 1, Integer::sum), null) : p);
            return new Plan(List.copyOf(dispatchNow), Map.copyOf(places));
        }

        private void placeWhatFits(Instant t) {
            boolean placed = true;
            while (placed) {
                placed = false;
                for (String pool : new ArrayList<>(queues.keySet())) {
                    Waiting w = fairNext(pool);
                    if (w != null && w.demand().fitsIn(freeIn(pool)) && w.demand().fitsIn(overallFree)) {
                        queues.get(pool).get(w.owner()).poll();
                        dropEmpty(pool, w.owner());
                        take(pool, w.owner(), w.demand());
                        ends.add(new Holding(w.id(), w.owner(), pool, w.demand(), t.plus(w.expectedRuntime())));
                        places.put(w.id(), new Place(pool, positions.merge(pool, 1, Integer::sum), t));
                        if (t.equals(now)) {
                            dispatchNow.add(w);
                        }
                        placed = true;
                    }
                }
            }
        }

        /**
         * The head of the waiting user with the smallest share; while others wait, users whose next run would take
         * them above the cap are passed over, unless every waiting user's would (then the smallest share goes next).
         */
        private Waiting fairNext(String pool) {
            Map<String, Deque<Waiting>> byOwner = queues.get(pool);
            Amount capacity = capacities.pool(pool);
            Waiting best = null;
            boolean bestWithinCap = false;
            double bestShare = 0;
            for (Map.Entry<String, Deque<Waiting>> e : byOwner.entrySet()) {
                Waiting head = e.getValue().peek();
                Amount holds = held.getOrDefault(pool, Map.of()).getOrDefault(e.getKey(), Amount.ZERO);
                // a user holding nothing may always have a run (one run larger than the cap is not starved)
                boolean withinCap = byOwner.size() == 1 || holds.slots() == 0
                        || holds.plus(head.demand()).shareOf(capacity) <= maxShare + 1e-9;
                double share = holds.shareOf(capacity);
                boolean better = best == null || (withinCap && !bestWithinCap)
                        || (withinCap == bestWithinCap && (share < bestShare || (share == bestShare && earlier(head, best))));
                if (better) {
                    best = head;
                    bestShare = share;
                    bestWithinCap = withinCap;
                }
            }
            return best;
        }

        private static boolean earlier(Waiting a, Waiting b) {
            int c = a.queuedAt().compareTo(b.queuedAt());
            return c < 0 || (c == 0 && a.id().compareTo(b.id()) < 0);
        }

        private Amount freeIn(String pool) {
            return free.computeIfAbsent(pool, capacities::pool);
        }

        private void take(String pool, String owner, Amount demand) {
            free.put(pool, freeIn(pool).minus(demand));
            overallFree = overallFree.minus(demand);
            held.computeIfAbsent(pool, p -> new HashMap<>()).merge(owner, demand, Amount::plus);
        }

        private void release(Holding h) {
            free.put(h.pool(), freeIn(h.pool()).plus(h.demand()));
            overallFree = overallFree.plus(h.demand());
            held.get(h.pool()).computeIfPresent(h.owner(), (owner, amount) -> amount.minus(h.demand()));
        }

        private void dropEmpty(String pool, String owner) {
            if (queues.get(pool).get(owner).isEmpty()) {
                queues.get(pool).remove(owner);
            }
            if (queues.get(pool).isEmpty()) {
                queues.remove(pool);
            }
        }
    }
}
