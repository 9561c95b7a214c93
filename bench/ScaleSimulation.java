import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The capacity model of docs/scale.md as a program: generates a synthetic day of N users' starts and stops, replays it
 * minute by minute through the model, and prints per hour and at the peak minute the load (requests/s, events/s,
 * running executions, GPUs busy, pod changes/s, database rows) and the instances it needs (each service, Kafka
 * partitions, reconciler shards, the database, clusters).
 * <p>
 * Run: {@code java bench/ScaleSimulation.java [--users 100000] [--seed 1]}. No dependencies; deterministic for a seed.
 * <p>
 * Two tables drive it, both at the top: {@code MEASURED} (per-instance capacities, each with the bench that printed
 * it) and {@code ASSUMED} (the usage profile and the planning rules; nobody has measured real users yet). Everything
 * else is arithmetic on those two.
 */
public class ScaleSimulation {

    // =====================================================================================================
    // MEASURED: per-instance capacities. docs/scale.md, "Measured", gives the machines, dates and commands.
    // =====================================================================================================

    /**
     * Requests/s of one instance, per service: the lower of what it served with 32 connections and 1000 / its CPU ms
     * per request (an instance in deploy/ is limited to one CPU). bench/api-throughput.sh, 2026-12-04, 2 cores shared
     * by the service, wrk, PostgreSQL, Kafka and Keycloak.
     */
    static final Map<String, Double> API_READ_RPS = Map.of(
            "gear", 1961.0,      // GET /api/v1/gears: 2 633 req/s, 0.51 ms CPU/req
            "execution", 2273.0, // GET /api/v1/executions: 2 939 req/s, 0.44 ms
            "warehouse", 2439.0, // GET /api/v1/datasets: 3 484 req/s, 0.41 ms
            "storage", 1667.0,   // GET /api/v1/storage/me: 2 386 req/s, 0.60 ms
            "billing", 2439.0);  // GET /api/v1/billing/me: 3 297 req/s, 0.41 ms
    /** POST /api/v1/gears: 396 req/s, 2.07 ms CPU/req; POST /api/v1/datasets: 3 037 req/s, 0.42 ms (same bench). */
    static final double GEAR_WRITE_RPS = 396, WAREHOUSE_WRITE_RPS = 2381;
    /** Starts/s of one execution-service: 450 starts from 8 clients, admission answered by stand-ins
     *  (ReconcileThroughputBench, two runs: 39 and 31; the lower). */
    static final double EXECUTION_STARTS_PER_S = 31;
    /** Events/s of one consumer instance taking whole polls: billing IngestBench 4 561-4 675 (docs/benchmarks.md). */
    static final double BILLING_INGEST_EVENTS_S = 4561;
    /** storage-service IngestBench, 6 387 events/s (docs/benchmarks.md). */
    static final double STORAGE_INGEST_EVENTS_S = 6387;
    /**
     * A consumer that takes one record per transaction: billing's before batching, 300 events/s (docs/benchmarks.md).
     * gear-service's and execution-service's consumers still take one record per transaction; nobody measured them,
     * so the model gives them this figure.
     */
    static final double PER_RECORD_EVENTS_S = 300;
    /**
     * ReconcileThroughputBench, 500 pods at once: Pending -> Running shown in the execution database at 67 pods/s,
     * Running -> Succeeded at 73/s, each 0.02-0.34 s behind the fake kubelet's last write: a lower bound set by the
     * kubelet (two runs: 67 and 69, 73 and 80; the lower). An end handled further (output kept, pod deleted, home
     * handed to its save pod): half of the 500 in 3.98 s = 63/s, before the mock API server began closing
     * connections (the rest waited for the next periodic pass). A full periodic pass over 500 active executions whose
     * rows agree with their pods, as in the steady state: 42 ms (6 December 2026; the pass reconciles under the row's
     * lock only where they disagree, at the rate it had for every row before: 378 ms and 256 ms for 500).
     */
    static final double RECONCILE_STARTS_S = 67, RECONCILE_ENDS_S = 63, RECONCILE_PASS_EXECUTIONS_S = 11_970;
    /** One accrual pass: 2 303 ms for 100 000 running executions = 23 µs each (AccrualBench, billing.md). */
    static final double ACCRUAL_SECONDS_PER_RUNNING = 2.303 / 100_000;
    /**
     * Rows/s one PostgreSQL primary writes, derived: billing IngestBench's bare consumer wrote 21 915 rows in one
     * batched insert within 0.96-1.04 s (with reading 8 000 records), so at least 21 000 rows/s; fsync off.
     */
    static final double DB_ROWS_WRITTEN_PER_S = 21_000;

    // =====================================================================================================
    // FROM THE CODE: configuration the load depends on.
    // =====================================================================================================

    /** hyperai.billing.interval and accrual-period (billing application.properties): one charge row a minute. */
    static final int CHARGE_INTERVAL_S = 60, ACCRUAL_PERIOD_S = 60;
    /** hyperai.execution.resync-interval (30 s): the periodic pass reconciles every active execution once per
     *  interval. The informer's resync (same interval) no longer does it a second time: KubernetesRuntime reports an
     *  update only when the pod's resourceVersion changed (PodChangesTest). */
    static final int RESYNC_S = 30;
    static final int RECONCILES_PER_RESYNC = 1;
    /** hyperai.execution.reconcile-pass-timeout (5 min): a pass still running is given up; the pass reconciles the
     *  active executions one after another (ExecutionReconciler.reconcileEach), so it must finish within this. */
    static final int PASS_TIMEOUT_S = 300;
    /** Pod changes per execution the informer reports: added, scheduled, Running; ended, terminating, deleted. */
    static final int POD_EVENTS_PER_START = 3, POD_EVENTS_PER_END = 3;
    /** hyperai.outbox.retention (P7D): sent outbox rows are purged after 7 days. */
    static final int OUTBOX_RETENTION_DAYS = 7;
    /** hyperai.inbox.retention (P35D): the ids of applied events are forgotten after 35 days (InboxPurge). */
    static final int INBOX_RETENTION_DAYS = 35;

    // =====================================================================================================
    // ASSUMED: the usage profile (no real users measured yet) and the planning rules. docs/scale.md, "Assumed".
    // =====================================================================================================

    static final double ACTIVE_FRACTION = 0.20;        // of all users, start at least one execution on a day
    static final double EXTRA_EXECUTIONS_MEAN = 2.0;   // executions per active user: 1 + Poisson(2), mean 3
    static final double SCRIPT_SHARE = 0.6;            // the rest are Jupyter workspaces
    static final double SCRIPT_MEDIAN_MIN = 20, SCRIPT_SIGMA = 1.0;        // lognormal running times
    static final double WORKSPACE_MEDIAN_MIN = 60, WORKSPACE_SIGMA = 0.8;
    static final double MAX_MINUTES = 24 * 60;
    static final double[] GPU_MIX = { 0.40, 0.55, 0.05 }; // CPU only, 1 GPU, 8 GPUs (the catalogue's GPU specs)
    static final double SCRIPT_USER_STOP = 0.10;       // scripts stopped by their user (the rest end on their own)
    static final double WORKSPACE_IDLE_STOP = 0.30;    // workspaces stopped by their idle policy (warned first)
    static final double SCRIPT_CODE_UPLOAD = 0.5;      // scripts started with uploaded code (hyperai run DIR)
    static final double VERSION_UPLOADS = 0.05;        // active users uploading one dataset or model version a day
    static final int FILES_PER_VERSION = 50;
    static final double TOP_UPS = 0.03;                // active users topping up a day
    static final double NEW_GEARS = 0.10;              // active users creating a gear a day
    static final double BALANCE_LOW = 0.01;            // active users warned of a low balance a day
    static final double DASHBOARD_VISITS = 5;          // per active user a day: one read of each service
    static final double WATCHED_SHARE = 0.25;          // share of a run's time someone follows it ...
    static final double WATCH_POLL_S = 10;             // ... reading the execution every 10 s
    /** Jupyter's requests through execution-service's proxy per running workspace (a tab open about half the time,
     *  polling kernels, sessions and contents); not measured, and served at the GET /api/v1/executions figure. */
    static final double PROXY_RPS_PER_WORKSPACE = 0.2;
    /** Diurnal curve of starts by hour (UTC of the users' region), relative; peaks late morning and afternoon. */
    static final double[] HOURLY_WEIGHT = { 0.15, 0.10, 0.08, 0.07, 0.07, 0.10, 0.20, 0.40, 0.70, 0.90, 1.00, 1.00,
            0.85, 0.95, 1.00, 0.95, 0.85, 0.70, 0.55, 0.55, 0.60, 0.55, 0.40, 0.25 };
    /** Instances are planned to run at most this busy at the peak minute (the rest is headroom). */
    static final double TARGET_UTILISATION = 0.5;
    static final int MIN_REPLICAS = 2;                 // deploy/: two of every service
    static final int MIN_PARTITIONS = 3;               // deploy/: three partitions per topic
    /** Kubernetes' documented limits for one cluster (kubernetes.io, "Considerations for large clusters"). */
    static final int CLUSTER_PODS = 150_000, CLUSTER_NODES = 5_000, GPUS_PER_NODE = 8;
    static final double CLUSTER_FILL = 0.8;            // a cluster is planned to at most this share of its limits
    /** deploy/base/executions/limits.yaml: requests.nvidia.com/gpu of the executions namespace (an operator's). */
    static final int DEPLOYED_GPU_QUOTA = 16;

    // =====================================================================================================
    // The day
    // =====================================================================================================

    static final int MINUTES = 24 * 60;
    static final String[] SERVICES = { "gear", "execution", "warehouse", "storage", "billing" };
    static final String[] TOPICS = { "gear-events", "execution-events", "warehouse-events", "storage-events",
            "billing-events" };

    /** Per minute of the day. */
    final double[] starts = new double[MINUTES], ends = new double[MINUTES];
    final double[] runningDelta = new double[MINUTES + 1], gpusDelta = new double[MINUTES + 1];
    final double[] workspacesDelta = new double[MINUTES + 1];
    final Map<String, double[]> reads = new LinkedHashMap<>(), writes = new LinkedHashMap<>();
    final Map<String, double[]> events = new LinkedHashMap<>();
    /** Rows inserted (kept) and rows written (inserted or updated) per database, per minute. */
    final Map<String, double[]> inserted = new LinkedHashMap<>(), written = new LinkedHashMap<>();
    final Map<String, double[]> outboxInserted = new LinkedHashMap<>();
    final Map<String, double[]> inboxInserted = new LinkedHashMap<>();
    double[] running, gpus, workspaces;
    long executions, activeUsers;

    ScaleSimulation() {
        for (String s : SERVICES) {
            reads.put(s, new double[MINUTES]);
            writes.put(s, new double[MINUTES]);
            inserted.put(s, new double[MINUTES]);
            written.put(s, new double[MINUTES]);
            outboxInserted.put(s, new double[MINUTES]);
            inboxInserted.put(s, new double[MINUTES]);
        }
        for (String t : TOPICS) {
            events.put(t, new double[MINUTES]);
        }
    }

    public static void main(String[] args) {
        long users = 100_000;
        long seed = 1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--users" -> users = Long.parseLong(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("usage: java bench/ScaleSimulation.java [--users N] [--seed S]");
            }
        }
        Locale.setDefault(Locale.ROOT);
        ScaleSimulation day = new ScaleSimulation();
        day.generate(users, new Random(seed));
        day.print(users, seed);
    }

    // ------------------------------------------------------------------------------------------- generation

    void generate(long users, Random random) {
        double[] cdf = minuteCdf();
        for (long u = 0; u < users; u++) {
            if (random.nextDouble() >= ACTIVE_FRACTION) {
                continue;
            }
            activeUsers++;
            int n = 1 + poisson(random, EXTRA_EXECUTIONS_MEAN);
            for (int i = 0; i < n; i++) {
                execution(random, minute(random, cdf));
            }
            userDay(random, cdf);
        }
        running = integrate(runningDelta);
        gpus = integrate(gpusDelta);
        workspaces = integrate(workspacesDelta);
        for (int m = 0; m < MINUTES; m++) {
            // while running: a charge row a minute (the accrual), followers reading the execution, Jupyter's requests
            insert("billing", m, running[m] * 60.0 / CHARGE_INTERVAL_S);
            write("billing", m, running[m] * 60.0 / CHARGE_INTERVAL_S * 2); // metered_run and the balance
            reads.get("execution")[m] += running[m] * WATCHED_SHARE * 60 / WATCH_POLL_S
                    + workspaces[m] * PROXY_RPS_PER_WORKSPACE * 60;
        }
    }

    /** One execution: its start, its end (wrapped around midnight: a day in a run of equal days), what both cause. */
    void execution(Random random, int start) {
        executions++;
        boolean script = random.nextDouble() < SCRIPT_SHARE;
        double minutes = Math.min(MAX_MINUTES, Math.max(1, Math.exp(Math.log(script ? SCRIPT_MEDIAN_MIN
                : WORKSPACE_MEDIAN_MIN) + random.nextGaussian() * (script ? SCRIPT_SIGMA : WORKSPACE_SIGMA))));
        double g = random.nextDouble();
        int gpuCount = g < GPU_MIX[0] ? 0 : g < GPU_MIX[0] + GPU_MIX[1] ? 1 : 8;
        int end = (start + (int) Math.round(minutes)) % MINUTES;
        span(runningDelta, start, end, 1);
        span(gpusDelta, start, end, gpuCount);
        if (!script) {
            span(workspacesDelta, start, end, 1);
        }
        starts[start]++;
        ends[end]++;
        // the start: the user's client looks around, then POSTs; execution-service asks gear, storage, billing
        read("gear", start, 3 + 1);      // gears, the gear, compute specs; /internal/gears/{id}
        read("storage", start, 1 + 1);   // storage/me; /internal/storage/admission
        read("billing", start, 1 + 1);   // billing/me; /internal/billing/admission
        writeRequest("execution", start, 1);
        read("execution", start, 2);     // the execution, its queue place
        if (script && random.nextDouble() < SCRIPT_CODE_UPLOAD) {
            writeRequest("execution", start, 1); // POST /api/v1/code
            insert("execution", start, 1);       // code_upload
            event("execution", "execution-events", start, 1); // execution.code.uploaded
            insert("storage", start, 1);         // storage_object CODE
        }
        // rows of the execution (execution-service): the row, QUEUED/STARTING/RUNNING/end transitions, kept output
        insert("execution", start, 1 + 3);
        insert("execution", end, 1 + 1);
        write("execution", start, 3);            // the row's updates: dispatched, STARTING, RUNNING
        write("execution", end, 2);              // ended; workdir measured
        event("execution", "execution-events", start, 2); // queued, started
        event("execution", "execution-events", end, 2);   // succeeded|failed|stopped, output.saved
        insert("gear", start, 1);                // gear_execution
        write("gear", end, 1);
        insert("billing", start, 1);             // metered_run
        write("billing", end, 1);                // settled
        insert("storage", end, 1);               // storage_object WORKING_DIRECTORY (output.saved)
        // the end: the user looks at what it did; stops requested by users; idle workspaces warned, then stopped
        read("execution", end, 3);               // the execution, its logs, its output
        boolean userStop = script ? random.nextDouble() < SCRIPT_USER_STOP
                : random.nextDouble() >= WORKSPACE_IDLE_STOP;
        if (userStop) {
            writeRequest("execution", end, 1);   // POST .../stop
        } else if (!script) {
            event("execution", "execution-events", end, 1); // execution.warned (IDLE)
            insert("execution", end, 2);          // notifications: the warning, the stop
        }
    }

    /** What an active user does besides executions. */
    void userDay(Random random, double[] cdf) {
        for (int v = 0; v < DASHBOARD_VISITS; v++) {
            int m = minute(random, cdf);
            for (String s : SERVICES) {
                read(s, m, 1);
            }
        }
        if (random.nextDouble() < VERSION_UPLOADS) {
            int m = minute(random, cdf);
            writeRequest("warehouse", m, 2);                // the item, the version's upload
            writeRequest("storage", m, 1);                  // POST /internal/storage/reservations
            insert("warehouse", m, 2 + FILES_PER_VERSION);  // item, version, files
            event("warehouse", "warehouse-events", m, 1);   // warehouse.version.created
            insert("storage", m, 1);                        // storage_object (the reservation row is deleted again)
            write("storage", m, 2);
        }
        if (random.nextDouble() < TOP_UPS) {
            int m = minute(random, cdf);
            writeRequest("billing", m, 1);
            insert("billing", m, 1);                        // top_up
            write("billing", m, 1);                         // the balance
        }
        if (random.nextDouble() < NEW_GEARS) {
            int m = minute(random, cdf);
            writeRequest("gear", m, 1);
            insert("gear", m, 1);
            event("gear", "gear-events", m, 1);             // gear.created
        }
        if (random.nextDouble() < BALANCE_LOW) {
            event("billing", "billing-events", minute(random, cdf), 1); // billing.balance.low
        }
    }

    // ------------------------------------------------------------------------------------- the model's rules

    /** Who consumes each topic: consumer group -> its database and per-instance capacity (events/s). */
    record Group(String name, String database, double eventsPerSecond, String... topics) {
    }

    static final Group[] GROUPS = {
            new Group("billing-service", "billing", BILLING_INGEST_EVENTS_S, "execution-events"),
            new Group("storage-service", "storage", STORAGE_INGEST_EVENTS_S, "execution-events", "warehouse-events"),
            new Group("gear-service", "gear", PER_RECORD_EVENTS_S, "execution-events"),
            new Group("execution-notifications", "execution", PER_RECORD_EVENTS_S, "execution-events",
                    "billing-events", "storage-events"),
            new Group("execution-service", "execution", PER_RECORD_EVENTS_S, "billing-events"),
            new Group("execution-promotions", "execution", PER_RECORD_EVENTS_S, "warehouse-events") };

    /** The outbox row of every event, and the inbox row every consumer group claims for it (unknown types too). */
    void eventRows() {
        for (int m = 0; m < MINUTES; m++) {
            for (Group g : GROUPS) {
                double n = 0;
                for (String t : g.topics) {
                    n += events.get(t)[m];
                }
                inboxInserted.get(g.database)[m] += n;
                written.get(g.database)[m] += n;
            }
        }
    }

    static double writeCapacity(String service) {
        return switch (service) {
            case "gear" -> GEAR_WRITE_RPS;
            case "warehouse" -> WAREHOUSE_WRITE_RPS;
            case "execution" -> EXECUTION_STARTS_PER_S;
            // billing's top-ups and storage's reservations: not measured; the slower measured write stands in
            default -> Math.min(GEAR_WRITE_RPS, WAREHOUSE_WRITE_RPS);
        };
    }

    // --------------------------------------------------------------------------------------------- printing

    /** For "deploy/ as it is": each limit's capacity over its load at the peak (over 1: room to grow). */
    final Map<String, Double> limits = new LinkedHashMap<>();

    void print(long users, long seed) {
        eventRows();
        int peak = 0;
        for (int m = 0; m < MINUTES; m++) {
            if (apiRps(m) > apiRps(peak)) {
                peak = m;
            }
        }
        int peakRunning = argmax(running);
        System.out.printf("ScaleSimulation: %,d users, seed %d: %,d active (%.0f%%), %,d executions%n", users, seed,
                activeUsers, 100.0 * activeUsers / users, executions);
        System.out.printf("(measured figures and assumptions: the tables at the top of bench/ScaleSimulation.java)%n%n");
        System.out.printf("%4s %8s %8s %9s %9s %9s %9s %9s %10s%n", "hour", "starts/s", "API rq/s", "events/s",
                "running", "GPUs", "pod chg/s", "reconc/s", "DB rows/s");
        for (int h = 0; h < 24; h++) {
            double[] sums = new double[8];
            for (int m = h * 60; m < h * 60 + 60; m++) {
                double[] v = minuteFigures(m);
                for (int i = 0; i < v.length; i++) {
                    sums[i] += v[i] / 60;
                }
            }
            System.out.printf("%02d:00 %8.1f %8.0f %9.1f %9.0f %9.0f %9.1f %9.0f %10.0f%n", h, sums[0], sums[1],
                    sums[2], sums[3], sums[4], sums[5], sums[6], sums[7]);
        }
        double[] p = minuteFigures(peak);
        System.out.printf("%npeak minute %02d:%02d: %.1f starts/s, %.0f API requests/s, %.1f events/s produced,"
                + " %.1f pod changes/s, %.0f reconciliations/s, %.0f DB rows written/s%n", peak / 60, peak % 60, p[0],
                p[1], p[2], p[5], p[6], p[7]);
        System.out.printf("most running at %02d:%02d: %,.0f executions (%,.0f workspaces), %,.0f GPUs busy%n",
                peakRunning / 60, peakRunning % 60, running[peakRunning], workspaces[peakRunning], gpus[argmax(gpus)]);

        System.out.printf("%ninstances needed at the peak (each at most %.0f%% busy; at least %d of each service):%n",
                TARGET_UTILISATION * 100, MIN_REPLICAS);
        Map<String, Integer> consumerInstances = new LinkedHashMap<>();
        for (Group g : GROUPS) {
            consumerInstances.put(g.name, need(groupPeak(g) / g.eventsPerSecond));
        }
        for (String s : SERVICES) {
            double read = API_READ_RPS.get(s);
            double util = 0;
            for (int m = 0; m < MINUTES; m++) {
                util = Math.max(util, reads.get(s)[m] / 60 / read + writes.get(s)[m] / 60 / writeCapacity(s));
            }
            int api = need(util);
            int consumers = 0;
            for (Group g : GROUPS) {
                if (g.name.startsWith(s)) {
                    consumers = Math.max(consumers, consumerInstances.get(g.name));
                }
            }
            int instances = Math.max(MIN_REPLICAS, Math.max(api, consumers));
            limits.put(s + "-service API (" + MIN_REPLICAS + " replicas)", MIN_REPLICAS * TARGET_UTILISATION / util);
            System.out.printf("  %-18s %4d  (API: %.2f instances busy -> %d; consumers -> %d)%n", s + "-service",
                    instances, util, api, consumers);
        }
        System.out.printf("%nconsumer groups (instances needed; a group uses at most one instance per partition):%n");
        for (Group g : GROUPS) {
            limits.put("consumer group " + g.name + " (" + Math.min(MIN_REPLICAS, MIN_PARTITIONS) + " instances)",
                    Math.min(MIN_REPLICAS, MIN_PARTITIONS) * g.eventsPerSecond * TARGET_UTILISATION / groupPeak(g));
            System.out.printf("  %-24s %8.1f events/s at peak, %6.0f/s per instance -> %d%n", g.name, groupPeak(g),
                    g.eventsPerSecond, consumerInstances.get(g.name));
        }
        System.out.printf("%nKafka partitions (twice the most instances a group reading the topic needs, at least %d):%n",
                MIN_PARTITIONS);
        for (String t : TOPICS) {
            int most = 1;
            for (Group g : GROUPS) {
                if (Arrays.asList(g.topics).contains(t)) {
                    most = Math.max(most, consumerInstances.get(g.name));
                }
            }
            System.out.printf("  %-18s %8.1f events/s at peak -> %d partitions%n", t, peakOf(events.get(t)),
                    Math.max(MIN_PARTITIONS, 2 * most));
        }

        System.out.printf("%nsingleton loops (leader only: more replicas do not help; above 1 they must be divided):%n");
        double accrual = running[peakRunning] * ACCRUAL_SECONDS_PER_RUNNING;
        System.out.printf("  billing accrual: %,.0f running -> %.1f s a pass every %d s = %.2f of the period%s%n",
                running[peakRunning], accrual, ACCRUAL_PERIOD_S, accrual / ACCRUAL_PERIOD_S,
                accrual / ACCRUAL_PERIOD_S > TARGET_UTILISATION ? "  <-- over target: divide the accrual" : "");
        double reconcile = 0;
        for (int m = 0; m < MINUTES; m++) {
            reconcile = Math.max(reconcile, reconcilerLoad(m));
        }
        double pass = running[peakRunning] / RECONCILE_PASS_EXECUTIONS_S;
        System.out.printf("  execution reconciler's periodic pass: %,.0f active one after another -> %.0f s (every %d s;"
                + " given up after %d s)%s%n", running[peakRunning], pass, RESYNC_S, PASS_TIMEOUT_S,
                pass > PASS_TIMEOUT_S * TARGET_UTILISATION ? "  <-- over target: the pass must be divided" : "");
        limits.put("billing accrual (leader only)", TARGET_UTILISATION * ACCRUAL_PERIOD_S / accrual);
        limits.put("execution reconciler's periodic pass (within its timeout)", TARGET_UTILISATION * PASS_TIMEOUT_S / pass);
        limits.put("execution reconciler (leader only, one informer)", TARGET_UTILISATION / reconcile);
        System.out.printf("  execution reconciler: %.2f of one informer and reconciler at the busiest minute"
                + " (starts / %.0f per s + ends / %.0f per s + running / %d s / %.0f per s) -> %d shard(s)%n",
                reconcile, RECONCILE_STARTS_S, RECONCILE_ENDS_S, RESYNC_S, RECONCILE_PASS_EXECUTIONS_S,
                Math.max(1, need(reconcile)));

        System.out.printf("%ndatabases (rows written/s at peak: inserts and updates; kept rows):%n");
        for (String s : SERVICES) {
            double w = peakOf(written.get(s));
            double day = sum(inserted.get(s));
            double outbox = sum(outboxInserted.get(s));
            double inbox = sum(inboxInserted.get(s));
            double all = day + outbox + inbox;
            System.out.printf("  %-10s %7.0f rows/s at peak; %,11.0f rows inserted a day = %5.1f per user, %5.1f per"
                    + " active user (of which outbox, purged after %d days: %,.0f; inbox, purged after %d days:"
                    + " %,.0f)%n", s, w, all, all / users, all / activeUsers, OUTBOX_RETENTION_DAYS, outbox,
                    INBOX_RETENTION_DAYS, inbox);
        }
        double peakAll = 0;
        for (int m = 0; m < MINUTES; m++) {
            double t = 0;
            for (String s : SERVICES) {
                t += written.get(s)[m] / 60;
            }
            peakAll = Math.max(peakAll, t);
        }
        double keptPerDay = 0;
        double inboxHeld = 0;
        for (String s : SERVICES) {
            keptPerDay += sum(inserted.get(s));
            inboxHeld += sum(inboxInserted.get(s)) * INBOX_RETENTION_DAYS;
        }
        System.out.printf("  all five on one primary: %.0f rows/s at peak = %.2f of %.0f rows/s -> %s%n", peakAll,
                peakAll / DB_ROWS_WRITTEN_PER_S, DB_ROWS_WRITTEN_PER_S,
                peakAll / DB_ROWS_WRITTEN_PER_S <= TARGET_UTILISATION ? "one primary"
                        : "a primary per database first, then shard the largest (see docs/scale.md)");
        limits.put("one PostgreSQL primary (rows written)", TARGET_UTILISATION * DB_ROWS_WRITTEN_PER_S / peakAll);
        System.out.printf("  kept rows grow by %,.0f a day (%,.0f a year; charges are never purged), besides a"
                + " steady %,.0f inbox rows (%d days of them) and 7 days of outbox rows%n", keptPerDay,
                keptPerDay * 365, inboxHeld, INBOX_RETENTION_DAYS);

        double pods = running[peakRunning]; // one pod each; a home's save pod lives minutes after its execution's
        System.out.printf("%nclusters: %,.0f running executions (%,.0f pods), %,.0f GPUs busy;"
                + " one cluster holds %,.0f pods and %,.0f GPUs at %.0f%% of Kubernetes' limits -> %d cluster(s)%n",
                running[peakRunning], pods, gpus[argmax(gpus)], CLUSTER_PODS * CLUSTER_FILL,
                CLUSTER_NODES * GPUS_PER_NODE * CLUSTER_FILL, CLUSTER_FILL * 100,
                (int) Math.max(Math.ceil(pods / (CLUSTER_PODS * CLUSTER_FILL)),
                        Math.ceil(gpus[argmax(gpus)] / (CLUSTER_NODES * GPUS_PER_NODE * CLUSTER_FILL))));
        limits.put("one cluster's pods (Kubernetes' limit)", CLUSTER_PODS * CLUSTER_FILL / pods);
        limits.put("one cluster's GPUs (" + CLUSTER_NODES + " nodes of " + GPUS_PER_NODE + ")",
                CLUSTER_NODES * GPUS_PER_NODE * CLUSTER_FILL / gpus[argmax(gpus)]);
        limits.put("the executions namespace's GPU quota in deploy/ (" + DEPLOYED_GPU_QUOTA + ")",
                DEPLOYED_GPU_QUOTA / gpus[argmax(gpus)]);

        System.out.printf("%ndeploy/ as it is (%d replicas, %d partitions, one primary, one cluster), limit by limit:"
                + " capacity at the planning target over this day's peak, and the users that fills%n", MIN_REPLICAS,
                MIN_PARTITIONS);
        limits.entrySet().stream().sorted(Map.Entry.comparingByValue()).forEach(e -> System.out.printf(
                "  %8.3fx  %,13.0f users  %s%n", e.getValue(), e.getValue() * users, e.getKey()));
    }

    /** starts/s, API requests/s, events/s, running, GPUs, pod changes/s, reconciliations/s, DB rows written/s. */
    double[] minuteFigures(int m) {
        double ev = 0;
        for (double[] e : events.values()) {
            ev += e[m] / 60;
        }
        double rows = 0;
        for (double[] w : written.values()) {
            rows += w[m] / 60;
        }
        return new double[] { starts[m] / 60, apiRps(m), ev, running[m], gpus[m], podChanges(m),
                podChanges(m) + RECONCILES_PER_RESYNC * running[m] / RESYNC_S, rows };
    }

    /** The events/s a consumer group receives at its busiest minute (all its topics together). */
    double groupPeak(Group g) {
        double peak = 0;
        for (int m = 0; m < MINUTES; m++) {
            double n = 0;
            for (String t : g.topics) {
                n += events.get(t)[m] / 60;
            }
            peak = Math.max(peak, n);
        }
        return peak;
    }

    double apiRps(int m) {
        double r = 0;
        for (String s : SERVICES) {
            r += (reads.get(s)[m] + writes.get(s)[m]) / 60;
        }
        return r;
    }

    double podChanges(int m) {
        return (starts[m] * POD_EVENTS_PER_START + ends[m] * POD_EVENTS_PER_END) / 60;
    }

    /** Share of one reconciler: phase changes (a start, an end) at the measured rate, resync work at the pass rate. */
    double reconcilerLoad(int m) {
        return starts[m] / 60 / RECONCILE_STARTS_S + ends[m] / 60 / RECONCILE_ENDS_S
                + RECONCILES_PER_RESYNC * running[m] / RESYNC_S / RECONCILE_PASS_EXECUTIONS_S;
    }

    // ------------------------------------------------------------------------------------------------ helpers

    void read(String service, int m, double n) {
        reads.get(service)[m] += n;
    }

    void writeRequest(String service, int m, double n) {
        writes.get(service)[m] += n;
    }

    void insert(String db, int m, double n) {
        inserted.get(db)[m] += n;
        written.get(db)[m] += n;
    }

    void write(String db, int m, double n) {
        written.get(db)[m] += n;
    }

    void event(String producer, String topic, int m, double n) {
        events.get(topic)[m] += n;
        outboxInserted.get(producer)[m] += n;
        written.get(producer)[m] += 2 * n; // the outbox row, then marked sent
    }

    static int need(double load) {
        return (int) Math.ceil(load / TARGET_UTILISATION - 1e-9);
    }

    static void span(double[] delta, int start, int end, double n) {
        delta[start] += n;
        delta[end] -= n;
        if (end < start) { // past midnight: yesterday's run of the same kind is still running this morning
            delta[0] += n;
        }
    }

    static double[] integrate(double[] delta) {
        double[] out = new double[MINUTES];
        double v = 0;
        for (int m = 0; m < MINUTES; m++) {
            v += delta[m];
            out[m] = v;
        }
        return out;
    }

    static double[] minuteCdf() {
        double[] cdf = new double[MINUTES];
        double total = 0;
        for (int m = 0; m < MINUTES; m++) {
            total += HOURLY_WEIGHT[m / 60];
            cdf[m] = total;
        }
        for (int m = 0; m < MINUTES; m++) {
            cdf[m] /= total;
        }
        return cdf;
    }

    static int minute(Random random, double[] cdf) {
        int i = Arrays.binarySearch(cdf, random.nextDouble());
        return Math.min(MINUTES - 1, i >= 0 ? i : -i - 1);
    }

    static int poisson(Random random, double mean) {
        double l = Math.exp(-mean), p = 1;
        int k = 0;
        do {
            k++;
            p *= random.nextDouble();
        } while (p > l);
        return k - 1;
    }

    static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    static double peakOf(double[] perMinute) {
        return perMinute[argmax(perMinute)] / 60;
    }

    static double sum(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s;
    }
}
