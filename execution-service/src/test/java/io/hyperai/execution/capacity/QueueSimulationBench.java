package io.hyperai.execution.capacity;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

/**
 * The queue on a synthetic workload, as the service runs it: 1 000 runs of four users wait for a pool of 16 GPUs;
 * at every submission and every end the plan is computed again from what holds and what waits, and what it says to
 * dispatch starts. Prints the mean absolute error of the estimated start given at submission against the actual
 * start, the share of estimates that only ever moved earlier, Jain's fairness index of GPU-seconds per user while
 * all four had work waiting, and the time to compute one plan with ~1 000 waiting. Not a test: excluded by its name.
 * Run with {@code ./mvnw -B test -pl execution-service -Dtest=QueueSimulationBench [-Dbench.seed=1]}.
 */
class QueueSimulationBench {

    static final String POOL = "bench-80g";
    static final Capacities CAPACITY = new Capacities(Map.of(POOL, new Amount(16 * 12_000L, 16 * 86_016L, 16, 1000)),
            Amount.UNLIMITED, true);

    record Job(String id, String owner, Amount demand, Instant submitted, Duration trueRuntime, Duration expected) {
    }

    /** What one simulation measured. */
    record Result(int runs, double maeMinutes, double meanWaitMinutes, double jain, long orderViolations,
            long orderChecks, int movedLater, int movedLaterOnceAllSubmitted, List<Long> planNanos, Duration span) {
    }

    @Test
    void simulate() {
        long seed = Long.getLong("bench.seed", 1);
        Result r = run(seed, new int[] { 400, 300, 200, 100 });
        List<Long> sorted = r.planNanos().stream().sorted().toList();
        System.out.printf("queue simulation (seed %d): %d runs of 4 users on 16 GPUs, last start %s after the first"
                + " submission%n", seed, r.runs(), r.span());
        System.out.printf("  estimated start given at submission: mean absolute error %.1f min (mean wait %.1f min,"
                + " error / wait %.2f)%n", r.maeMinutes(), r.meanWaitMinutes(), r.maeMinutes() / r.meanWaitMinutes());
        System.out.printf("  estimates that ever moved later: %d of %d runs (others' submissions overtake by fair share,"
                + " runs outlast their expected time); once all were submitted: %d%n", r.movedLater(), r.runs(),
                r.movedLaterOnceAllSubmitted());
        System.out.printf("  estimates out of order with positions: %d of %d%n", r.orderViolations(), r.orderChecks());
        System.out.printf("  Jain's index of GPU-seconds per user while all four had work waiting: %.3f%n", r.jain());
        System.out.printf("  one plan: p50 %.2f ms, p99 %.2f ms, max %.2f ms over %d plans (up to %d waiting)%n",
                sorted.get(sorted.size() / 2) / 1e6, sorted.get(sorted.size() * 99 / 100) / 1e6,
                sorted.get(sorted.size() - 1) / 1e6, sorted.size(), r.runs());
    }

    /** Runs {@code counts[i]} jobs of user i+1 (at most four users) through the queue, as the service would. */
    static Result run(long seed, int[] counts) {
        Random random = new Random(seed);
        Instant t0 = Instant.parse("2026-12-04T00:00:00Z");
        String[] users = java.util.Arrays.copyOf(new String[] { "u1", "u2", "u3", "u4" }, counts.length);
        Map<String, Duration> userMedian = Map.of("u1", Duration.ofMinutes(20), "u2", Duration.ofMinutes(30),
                "u3", Duration.ofMinutes(45), "u4", Duration.ofMinutes(60));
        List<Job> jobs = new ArrayList<>();
        for (int u = 0; u < users.length; u++) {
            for (int i = 0; i < counts[u]; i++) {
                double r = random.nextDouble();
                int gpus = r < 0.7 ? 1 : r < 0.9 ? 2 : 4;
                Duration median = userMedian.get(users[u]);
                // true running times spread around the user's median (lognormal, sigma 0.5)
                long seconds = Math.max(60, Math.round(median.toSeconds() * Math.exp(0.5 * random.nextGaussian())));
                Duration truth = Duration.ofSeconds(seconds);
                // a third declare a maxRuntime a little above the truth; the rest are expected from their history
                Duration expected = random.nextDouble() < 1.0 / 3
                        ? Duration.ofSeconds(Math.round(seconds * (1 + 0.5 * random.nextDouble()))) : median;
                // submitted over the first hour, each user at their own pace
                Instant at = t0.plusSeconds((long) (random.nextDouble() * 3600));
                jobs.add(new Job(users[u] + "-" + i, users[u], new Amount(12_000L * gpus, 86_016L * gpus, gpus, 1),
                        at, truth, expected));
            }
        }
        jobs.sort(Comparator.comparing(Job::submitted));

        Map<String, Job> byId = new HashMap<>();
        jobs.forEach(j -> byId.put(j.id(), j));
        Map<String, Instant> estimateAtSubmission = new HashMap<>();
        Map<String, Instant> started = new HashMap<>();
        Map<String, Integer> laterEstimates = new HashMap<>();
        Map<String, Instant> lastEstimate = new HashMap<>();
        Map<String, Integer> laterOnceAllSubmitted = new HashMap<>();
        long[] orderChecks = new long[1];
        long[] orderViolations = new long[1];
        List<FairQueue.Holding> running = new ArrayList<>();
        Map<Instant, List<String>> endingAt = new TreeMap<>();
        List<Job> waiting = new ArrayList<>();
        Map<String, Double> gpuSecondsWhileAllWait = new TreeMap<>();
        List<Long> planNanos = new ArrayList<>();

        int next = 0;
        Instant now = t0;
        while (next < jobs.size() || !waiting.isEmpty() || !running.isEmpty()) {
            Instant nextSubmit = next < jobs.size() ? jobs.get(next).submitted() : Instant.MAX;
            Instant nextEnd = endingAt.isEmpty() ? Instant.MAX : ((TreeMap<Instant, List<String>>) endingAt).firstKey();
            Instant t = nextSubmit.isBefore(nextEnd) ? nextSubmit : nextEnd;
            // GPU-seconds per user over [now, t), counted while every user has work waiting
            boolean allWait = java.util.Arrays.stream(users).allMatch(u -> waiting.stream().anyMatch(j -> j.owner().equals(u)));
            if (allWait) {
                long dt = Duration.between(now, t).toSeconds();
                running.forEach(h -> gpuSecondsWhileAllWait.merge(h.owner(), (double) h.demand().gpus() * dt, Double::sum));
            }
            now = t;
            if (t.equals(nextEnd)) {
                List<String> done = ((TreeMap<Instant, List<String>>) endingAt).pollFirstEntry().getValue();
                running.removeIf(h -> done.contains(h.id()));
            }
            List<String> submittedNow = new ArrayList<>();
            while (next < jobs.size() && !jobs.get(next).submitted().isAfter(t)) {
                waiting.add(jobs.get(next));
                submittedNow.add(jobs.get(next).id());
                next++;
            }
            // the planner's view: expected ends from expected runtimes, an overrun expected a minute from now
            final Instant at = t;
            List<FairQueue.Holding> holding = running.stream().map(h -> {
                Instant soonest = at.plus(Duration.ofMinutes(1));
                return new FairQueue.Holding(h.id(), h.owner(), h.pool(), h.demand(),
                        h.expectedEnd().isBefore(soonest) ? soonest : h.expectedEnd());
            }).toList();
            List<FairQueue.Waiting> queue = waiting.stream().map(j -> new FairQueue.Waiting(j.id(), j.owner(), POOL,
                    j.demand(), j.submitted(), j.expected())).toList();
            long n0 = System.nanoTime();
            FairQueue.Plan plan = FairQueue.plan(t, CAPACITY, holding, queue, 0.5);
            planNanos.add(System.nanoTime() - n0);
            for (FairQueue.Waiting w : plan.dispatchNow()) {
                Job j = byId.get(w.id());
                started.put(j.id(), t);
                waiting.remove(j);
                running.add(new FairQueue.Holding(j.id(), j.owner(), POOL, j.demand(), t.plus(j.expected())));
                endingAt.computeIfAbsent(t.plus(j.trueRuntime()), k -> new ArrayList<>()).add(j.id());
            }
            List<FairQueue.Place> inOrder = plan.places().values().stream()
                    .sorted(Comparator.comparingInt(FairQueue.Place::position)).toList();
            for (int i = 1; i < inOrder.size(); i++) {
                if (inOrder.get(i).estimatedStartAt().isBefore(inOrder.get(i - 1).estimatedStartAt())) {
                    orderViolations[0]++;
                }
            }
            for (Map.Entry<String, FairQueue.Place> e : plan.places().entrySet()) {
                if (started.containsKey(e.getKey()) && !started.get(e.getKey()).equals(t)) {
                    continue;
                }
                Instant estimate = e.getValue().estimatedStartAt();
                if (submittedNow.contains(e.getKey())) {
                    estimateAtSubmission.put(e.getKey(), estimate);
                }
                Instant before = lastEstimate.put(e.getKey(), estimate);
                if (before != null && estimate.isAfter(before)) {
                    laterEstimates.merge(e.getKey(), 1, Integer::sum);
                    if (next == jobs.size()) {
                        laterOnceAllSubmitted.merge(e.getKey(), 1, Integer::sum);
                    }
                }
                // in the pool's order, estimates never decrease
                if (e.getValue().position() > 1) {
                    orderChecks[0]++;
                }
            }
        }

        double absErrorMinutes = 0;
        double waitMinutes = 0;
        for (Job j : jobs) {
            absErrorMinutes += Math.abs(Duration.between(estimateAtSubmission.get(j.id()), started.get(j.id())).toSeconds()) / 60.0;
            waitMinutes += Duration.between(j.submitted(), started.get(j.id())).toSeconds() / 60.0;
        }
        double sum = gpuSecondsWhileAllWait.values().stream().mapToDouble(Double::doubleValue).sum();
        double squares = gpuSecondsWhileAllWait.values().stream().mapToDouble(x -> x * x).sum();
        return new Result(jobs.size(), absErrorMinutes / jobs.size(), waitMinutes / jobs.size(),
                sum * sum / (users.length * squares), orderViolations[0], orderChecks[0], laterEstimates.size(),
                laterOnceAllSubmitted.size(), planNanos,
                Duration.between(t0, started.values().stream().max(Comparator.naturalOrder()).orElseThrow()));
    }
}
