package io.hyperai.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.LimitRangeItem;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.Service;

/**
 * Every compute spec on the price list can be admitted in the executions namespace: the objects execution-service
 * makes for it (its pod, the workspace's Service, its home claim, later its save pod) pass the LimitRange and fit the
 * ResourceQuota that {@code deploy/} sets, or the spec is sold and could never be scheduled.
 *
 * <p>The specs are read from gear-service's Flyway migrations (every {@code INSERT INTO compute_spec}). deploy-tests
 * does not depend on execution-service, so the objects are built here by the rule of
 * {@code execution-service/.../runtime/PodFactory.java} (the main container: requests = limits = the spec's vCPU,
 * memory in Mi and disk in Gi as ephemeral storage, plus {@code nvidia.com/gpu} limits for a GPU spec; an init
 * container {@code seed-home} with the helper resources when the home is seeded) and {@code HomeSave.java} (the home
 * claim: the spec's disk in Gi; the save pod: one helper container); {@link #theMirroredRuleIsPodFactorys} fails
 * when those sources no longer say what this class mirrors, and the helper resources are read from PodFactory.
 *
 * <p>Admission is modelled as Kubernetes does it: the API server's defaulting (a LimitRange Container item's
 * {@code default} falls back to its {@code max}, {@code defaultRequest} to {@code default} then {@code min}; a
 * container's missing request to its limit), the LimitRanger (defaults filled in, then Container min/max/ratio per
 * container and init container, Pod limits on the sum of the containers or the largest init container, the claim's
 * storage against PersistentVolumeClaim min/max) and the quota (each pod's usage: the sum of its containers or its
 * largest init container; the namespace's own claims and Services counted too). A quota resource or LimitRange
 * type this class does not know fails the test rather than being skipped.
 */
class SpecsFitLimitsTest {

    static final Path MIGRATIONS = Path.of("gear-service/src/main/resources/db/migration");
    static final Path POD_FACTORY = Path.of("execution-service/src/main/java/io/hyperai/execution/runtime/PodFactory.java");
    static final Path HOME_SAVE = Path.of("execution-service/src/main/java/io/hyperai/execution/runtime/HomeSave.java");
    static final Path LAUNCH_PLANNER = Path.of(
            "execution-service/src/main/java/io/hyperai/execution/service/LaunchPlanner.java");

    static final String GPU = "nvidia.com/gpu";
    static final Set<String> STANDARD = Set.of("cpu", "memory", "ephemeral-storage");
    static final BigDecimal MI = BigDecimal.valueOf(1L << 20);
    static final BigDecimal GI = BigDecimal.valueOf(1L << 30);

    /** A row of compute_spec: what the pod is sized from. */
    record Spec(String id, int vcpu, int memoryMib, int diskGib, int gpuCount) {

        @Override
        public String toString() {
            return id + " " + vcpu + " CPU " + amount("memory", BigDecimal.valueOf(memoryMib).multiply(MI)) + " "
                    + gpuCount + " GPU " + diskGib + "Gi disk";
        }
    }

    /** One container's requests and limits by resource name, in base units (cores, bytes, devices). */
    record Box(String name, Map<String, BigDecimal> requests, Map<String, BigDecimal> limits) {

        static Box of(String name, Map<String, BigDecimal> requests, Map<String, BigDecimal> limits) {
            return new Box(name, new TreeMap<>(requests), new TreeMap<>(limits));
        }
    }

    /** A pod as far as admission sees it. */
    record PodShape(String name, List<Box> initContainers, List<Box> containers) {
    }

    /** A LimitRange item after the API server's defaulting of it. */
    record Item(String owner, String type, Map<String, BigDecimal> min, Map<String, BigDecimal> max,
            Map<String, BigDecimal> defaults, Map<String, BigDecimal> defaultRequests, Map<String, BigDecimal> ratio) {
    }

    /** What admits objects in the executions namespace: LimitRange items, quotas, and what the quotas already hold. */
    record Limits(String where, List<Item> items, Map<String, Map<String, BigDecimal>> quotas,
            Map<String, BigDecimal> baseline) {

        /** The same limits with one more LimitRange item (for the checks that the check can fail). */
        Limits with(Item item) {
            List<Item> more = new ArrayList<>(items);
            more.add(item);
            return new Limits(where + " + " + item.owner(), more, quotas, baseline);
        }
    }

    static List<Rendered> renders() {
        return Rendered.all();
    }

    @ParameterizedTest
    @MethodSource("renders")
    void everySpecOnThePriceListFitsTheLimits(Rendered render) {
        List<Spec> specs = specs();
        Limits limits = limits(render);
        Map<String, List<String>> misfits = new TreeMap<>();
        for (Spec spec : specs) {
            List<String> why = misfits(spec, limits);
            if (!why.isEmpty()) {
                misfits.put(spec.id(), why);
            }
        }
        assertThat(misfits).as(render + ": specs that could never be scheduled (raise deploy/base/executions/"
                + "limits.yaml or retire the spec: docs/deploy.md, \"The executions namespace\")").isEmpty();
        Spec largest = specs.stream().max(Comparator.comparingInt(Spec::vcpu).thenComparingInt(Spec::memoryMib)
                .thenComparingInt(Spec::gpuCount).thenComparingInt(Spec::diskGib)).orElseThrow();
        System.out.printf("%s: %d specs fit; largest %s; the quota holds %d of it at once%n", render, specs.size(),
                largest, atOnce(largest, limits));
    }

    /** The check reports a spec above the limits, and the trap of a LimitRange maximum without a default. */
    @Test
    void theCheckFailsForWhatCouldNeverBeScheduled() {
        Limits limits = limits(Rendered.BASE);
        Spec huge = new Spec("synthetic-too-large", 512, 8 * 1024 * 1024, 64 * 1024, 64);
        List<String> why = misfits(huge, limits);
        assertThat(why).as("a spec above every limit").isNotEmpty()
                .anySatisfy(w -> assertThat(w).contains("Container max cpu"))
                .anySatisfy(w -> assertThat(w).contains("Container max memory"))
                .anySatisfy(w -> assertThat(w).contains("quota executions requests.cpu"))
                .anySatisfy(w -> assertThat(w).contains("quota executions requests.nvidia.com/gpu"))
                .anySatisfy(w -> assertThat(w).contains("PersistentVolumeClaim max storage"));
        System.out.printf("%s: %s does not fit (%d reasons), e.g. %s%n", limits.where(), huge, why.size(), why.get(0));

        // a LimitRange maximum for the GPUs and no default: the API server defaults the limit (and the request) to
        // the maximum, so every container without GPUs of its own would ask for 8 and a CPU spec lands nowhere
        Spec cpu = specs().stream().filter(s -> s.gpuCount() == 0).findFirst().orElseThrow();
        assertThat(misfits(cpu, limits)).isEmpty();
        Limits gpuMax = limits.with(defaulted(new Item("a GPU maximum", "Container", Map.of(), Map.of(GPU,
                BigDecimal.valueOf(8)), Map.of(), Map.of(), Map.of())));
        assertThat(misfits(cpu, gpuMax)).as(cpu.id() + " under " + gpuMax.where())
                .anySatisfy(w -> assertThat(w).contains("8 " + GPU).contains("the spec has 0"));
    }

    /** The rule mirrored above is still execution-service's: the lines it copies are in its sources. */
    @Test
    void theMirroredRuleIsPodFactorys() {
        String factory = Kustomize.read(Repo.ROOT.resolve(POD_FACTORY));
        assertThat(factory).contains(
                "limits.put(\"cpu\", new Quantity(String.valueOf(r.vcpu())));",
                "limits.put(\"memory\", new Quantity(r.memoryMib() + \"Mi\"));",
                "limits.put(\"ephemeral-storage\", new Quantity(r.diskGib() + \"Gi\"));",
                "Map<String, Quantity> requests = new LinkedHashMap<>(limits);",
                "limits.put(GPU_RESOURCE, new Quantity(String.valueOf(r.gpuCount())));",
                "GPU_RESOURCE = \"" + GPU + "\"",
                ".withInitContainers(seed(launch))",
                ".withContainers(main.build())",
                "return List.of(helper(\"seed-home\"");
        assertThat(count(factory, ".withContainers(")).as("PodFactory's pods have one container").isEqualTo(1);
        assertThat(count(factory, ".withInitContainers(")).isEqualTo(1);
        assertThat(count(factory, ".withResources(")).as("only the helper sets resources that way").isEqualTo(1);
        String save = Kustomize.read(Repo.ROOT.resolve(HOME_SAVE));
        assertThat(save).contains("new Quantity(launch.resources().diskGib() + \"Gi\")",
                ".withContainers(PodFactory.helper(\"save\"");
        assertThat(count(save, ".withContainers(")).isEqualTo(1);
        assertThat(save).doesNotContain(".withInitContainers(");
        assertThat(Kustomize.read(Repo.ROOT.resolve(LAUNCH_PLANNER))).as("the spec's numbers reach the pod unchanged")
                .contains("new Launch.Resources(spec.vcpu(), spec.memoryMib(), spec.diskGib(), spec.gpuCount(), "
                        + "spec.gpuModel())");
        assertThat(helper("requests")).containsOnlyKeys(STANDARD);
        assertThat(helper("limits")).containsOnlyKeys(STANDARD);
    }

    /** The SQL reader: comments, quotes with '' and parentheses, casts, rows over several lines. */
    @Test
    void theCatalogueReaderReadsEveryRow() {
        String sql = """
                -- INSERT INTO compute_spec (id) VALUES ('in-a-comment');
                INSERT INTO compute_spec (id, kind, vcpu, memory_mib, disk_gib, gpu_count, gpu_model, node_selector)
                VALUES
                    ('a', 'CPU', 1, 2048, 20, 0, NULL, '{}'), -- ('not-a-row', ...)
                    ('b''s (x, y)', 'GPU', 8, 65536, 100,
                        2, 'L4', '{"k": "v, w)"}'::jsonb);
                INSERT INTO runtime_image (id) VALUES ('x');
                """;
        List<Map<String, String>> rows = rows(sql, "compute_spec");
        assertThat(rows).extracting(r -> r.get("id")).containsExactly("a", "b's (x, y)");
        assertThat(rows.get(1)).containsEntry("node_selector", "{\"k\": \"v, w)\"}").containsEntry("gpu_count", "2");
        assertThat(rows.get(0)).containsEntry("gpu_model", null);
        assertThat(rowLines(stripComments(sql), "compute_spec")).isEqualTo(2);
    }

    // ---- the catalogue

    /** Every compute spec the migrations insert, in migration order. */
    static List<Spec> specs() {
        Path dir = Repo.ROOT.resolve(MIGRATIONS);
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".sql"))
                    .sorted(Comparator.comparing(SpecsFitLimitsTest::flywayOrder)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Spec> specs = new ArrayList<>();
        for (Path file : files) {
            String sql = stripComments(Kustomize.read(file));
            assertThat(Pattern.compile("(?i)\\b(UPDATE\\s+compute_spec|DELETE\\s+FROM\\s+compute_spec|TRUNCATE\\s+"
                    + "(TABLE\\s+)?compute_spec|ON\\s+CONFLICT)\\b").matcher(sql).find())
                    .as(file.getFileName() + " changes or deletes specs: teach SpecsFitLimitsTest to apply that").isFalse();
            List<Map<String, String>> rows = rows(sql, "compute_spec");
            assertThat(rows).as(file.getFileName() + ": rows read = rows written").hasSize(rowLines(sql, "compute_spec"));
            for (Map<String, String> row : rows) {
                int gpus = Integer.parseInt(row.getOrDefault("gpu_count", "0"));
                specs.add(new Spec(row.get("id"), Integer.parseInt(row.get("vcpu")),
                        Integer.parseInt(row.get("memory_mib")), Integer.parseInt(row.get("disk_gib")), gpus));
                assertThat(gpus > 0).as(row.get("id") + ": kind GPU iff GPUs").isEqualTo("GPU".equals(row.get("kind")));
            }
        }
        assertThat(specs).as("the catalogue").hasSizeGreaterThanOrEqualTo(7)
                .extracting(Spec::id).doesNotHaveDuplicates().contains("cpu-1c2g", "gpu-h100-8");
        return specs;
    }

    /** Flyway's order: versioned migrations by version (V1_1 after V1, V10 after V9), repeatable ones last. */
    static String flywayOrder(Path file) {
        Matcher v = Pattern.compile("V(\\d+(?:[._]\\d+)*)__.*").matcher(file.getFileName().toString());
        if (!v.matches()) {
            return "~" + file.getFileName();
        }
        StringBuilder key = new StringBuilder();
        for (String part : v.group(1).split("[._]")) {
            key.append(String.format("%010d.", Long.parseLong(part)));
        }
        return key.toString();
    }

    /** SQL without its comments (-- to the end of the line, /* *&#47;), quotes kept as they are. */
    static String stripComments(String sql) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (c == '\'') {
                // to the closing quote ('' inside is a quote: the same loop reads it as a close and an open)
                int end = sql.indexOf('\'', i + 1);
                end = end < 0 ? sql.length() - 1 : end;
                out.append(sql, i, end + 1);
                i = end;
            } else if (sql.startsWith("--", i)) {
                while (i < sql.length() && sql.charAt(i) != '\n') {
                    i++;
                }
                out.append('\n');
            } else if (sql.startsWith("/*", i)) {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? sql.length() : end + 1;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** The rows of every {@code INSERT INTO table (columns) VALUES (...), ...} of comment-free SQL, by column. */
    static List<Map<String, String>> rows(String sql, String table) {
        sql = stripComments(sql);
        List<Map<String, String>> rows = new ArrayList<>();
        Matcher any = Pattern.compile("(?i)\\bINSERT\\s+INTO\\s+" + table + "\\b").matcher(sql);
        Matcher insert = Pattern.compile("(?i)\\bINSERT\\s+INTO\\s+" + table + "\\s*\\(([^)]*)\\)\\s*VALUES\\b")
                .matcher(sql);
        while (any.find()) {
            assertThat(insert.find(any.start()) && insert.start() == any.start())
                    .as("an INSERT INTO " + table + " with a column list and VALUES: " + excerpt(sql, any.start()))
                    .isTrue();
            List<String> columns = Arrays.stream(insert.group(1).split(",")).map(String::trim).toList();
            int[] at = {insert.end()};
            do {
                skipSpace(sql, at);
                expect(sql, at, '(');
                List<String> values = new ArrayList<>();
                do {
                    values.add(value(sql, at));
                } while (accept(sql, at, ','));
                expect(sql, at, ')');
                assertThat(values).as("a row of " + table + ": " + values).hasSameSizeAs(columns);
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 0; i < columns.size(); i++) {
                    row.put(columns.get(i), values.get(i));
                }
                rows.add(row);
            } while (accept(sql, at, ','));
            skipSpace(sql, at);
            assertThat(at[0] == sql.length() || sql.charAt(at[0]) == ';')
                    .as("the INSERT INTO " + table + " ends after its rows: " + excerpt(sql, at[0])).isTrue();
        }
        return rows;
    }

    /**
     * The rows an INSERT INTO table writes, counted apart from {@link #rows}: the lines that open a tuple between
     * the statement and the next statement.
     */
    static int rowLines(String sql, String table) {
        int n = 0;
        Matcher insert = Pattern.compile("(?i)\\bINSERT\\s+INTO\\s+" + table + "\\b[^;]*?\\bVALUES\\b").matcher(sql);
        Matcher next = Pattern.compile("(?im)^\\s*(INSERT|CREATE|ALTER|UPDATE|DELETE|COMMENT)\\b").matcher(sql);
        Pattern tuple = Pattern.compile("(?im)(?:^|\\bVALUES)[ \\t]*\\(\\s*'");
        while (insert.find()) {
            int end = next.find(insert.end()) ? next.start() : sql.length();
            n += (int) tuple.matcher(sql.substring(insert.end() - "VALUES".length(), end)).results().count();
        }
        return n;
    }

    private static String value(String sql, int[] at) {
        skipSpace(sql, at);
        StringBuilder quoted = null;
        int start = at[0];
        int depth = 0;
        while (at[0] < sql.length()) {
            char c = sql.charAt(at[0]);
            if (c == '\'') {
                quoted = quoted == null ? new StringBuilder() : quoted;
                at[0]++;
                while (true) {
                    assertThat(at[0]).as("an unterminated quote: " + excerpt(sql, start)).isLessThan(sql.length());
                    char q = sql.charAt(at[0]++);
                    if (q == '\'') {
                        if (at[0] < sql.length() && sql.charAt(at[0]) == '\'') {
                            quoted.append('\'');
                            at[0]++;
                            continue;
                        }
                        break;
                    }
                    quoted.append(q);
                }
                continue;
            }
            if (depth == 0 && (c == ',' || c == ')')) {
                break;
            }
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            at[0]++;
        }
        String raw = sql.substring(start, at[0]).trim();
        if (quoted != null) {
            // 'text' or 'text'::type
            assertThat(raw).as("a quoted value: " + raw).matches("(?s)'.*'(::\\w+)?");
            return quoted.toString();
        }
        assertThat(raw).as("a value at " + excerpt(sql, start)).isNotEmpty();
        return raw.equalsIgnoreCase("NULL") ? null : raw;
    }

    private static void skipSpace(String sql, int[] at) {
        while (at[0] < sql.length() && Character.isWhitespace(sql.charAt(at[0]))) {
            at[0]++;
        }
    }

    private static boolean accept(String sql, int[] at, char c) {
        skipSpace(sql, at);
        if (at[0] < sql.length() && sql.charAt(at[0]) == c) {
            at[0]++;
            return true;
        }
        return false;
    }

    private static void expect(String sql, int[] at, char c) {
        assertThat(accept(sql, at, c)).as("'" + c + "' expected at " + excerpt(sql, at[0])).isTrue();
    }

    private static String excerpt(String sql, int at) {
        return sql.substring(at, Math.min(sql.length(), at + 60)).replace('\n', ' ');
    }

    private static int count(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }

    // ---- the objects execution-service makes for a spec (mirrored from PodFactory and HomeSave)

    /** PodFactory.helperResources(): the requests or limits of the seed and save containers, read from its source. */
    static Map<String, BigDecimal> helper(String which) {
        String factory = Kustomize.read(Repo.ROOT.resolve(POD_FACTORY));
        Matcher method = Pattern.compile("(?s)ResourceRequirements helperResources\\(\\) \\{(.*?)\\n    }")
                .matcher(factory);
        assertThat(method.find()).as("PodFactory.helperResources()").isTrue();
        String verb = which.equals("requests") ? "withRequests" : "withLimits";
        Matcher map = Pattern.compile("(?s)\\." + verb + "\\(Map\\.of\\((.*?)\\)\\)").matcher(method.group(1));
        assertThat(map.find()).as("PodFactory.helperResources() " + verb).isTrue();
        Map<String, BigDecimal> out = new TreeMap<>();
        Matcher entry = Pattern.compile("\"([\\w./-]+)\",\\s*new Quantity\\(\"([^\"]+)\"").matcher(map.group(1));
        while (entry.find()) {
            out.put(entry.group(1), amount(entry.group(2)));
        }
        assertThat(out).as("helper " + which).isNotEmpty();
        return out;
    }

    /** The main container: PodFactory.pod(), "limits" and "requests". */
    static Box main(Spec spec) {
        Map<String, BigDecimal> limits = new TreeMap<>();
        limits.put("cpu", BigDecimal.valueOf(spec.vcpu()));
        limits.put("memory", BigDecimal.valueOf(spec.memoryMib()).multiply(MI));
        limits.put("ephemeral-storage", BigDecimal.valueOf(spec.diskGib()).multiply(GI));
        Map<String, BigDecimal> requests = new TreeMap<>(limits);
        if (spec.gpuCount() > 0) {
            limits.put(GPU, BigDecimal.valueOf(spec.gpuCount()));
        }
        return Box.of("main", requests, limits);
    }

    static Box helperBox(String name) {
        return Box.of(name, helper("requests"), helper("limits"));
    }

    /** The execution's pod without and with the init container that seeds its home (a continued or uploaded home). */
    static List<PodShape> executionPods(Spec spec) {
        return List.of(new PodShape("pod", List.of(), List.of(main(spec))),
                new PodShape("pod seeding its home", List.of(helperBox("seed-home")), List.of(main(spec))));
    }

    /** HomeSave.pod(): one helper container. */
    static PodShape savePod() {
        return new PodShape("save pod", List.of(), List.of(helperBox("save")));
    }

    /** HomeSave.claim(): the spec's disk. */
    static BigDecimal homeClaim(Spec spec) {
        return BigDecimal.valueOf(spec.diskGib()).multiply(GI);
    }

    // ---- the limits of a render

    static Limits limits(Rendered render) {
        Limits limits = limits(render, Repo.EXECUTIONS, Set.of("ResourceQuota", "LimitRange", "NetworkPolicy", "Role",
                "RoleBinding", "ConfigMap", "Secret", "ServiceAccount"));
        assertThat(limits.items()).as(render + ": a LimitRange in " + Repo.EXECUTIONS).isNotEmpty();
        assertThat(limits.quotas()).as(render + ": a ResourceQuota in " + Repo.EXECUTIONS).isNotEmpty();
        return limits;
    }

    /**
     * The LimitRange items and quotas of a namespace, and what it holds against them before anything else is made
     * there: its claims and Services. Every other object there must be of a kind in {@code uncounted} (one the quotas
     * do not count, or one the caller counts).
     */
    static Limits limits(Rendered render, String namespace, Set<String> uncounted) {
        List<Item> items = new ArrayList<>();
        for (LimitRange range : render.all(LimitRange.class)) {
            if (namespace.equals(range.getMetadata().getNamespace())) {
                for (LimitRangeItem i : range.getSpec().getLimits()) {
                    assertThat(i.getType()).as("LimitRange " + range.getMetadata().getName() + ": a type modelled here")
                            .isIn("Container", "Pod", "PersistentVolumeClaim");
                    items.add(defaulted(new Item("LimitRange " + range.getMetadata().getName(), i.getType(),
                            amounts(i.getMin()), amounts(i.getMax()), amounts(i.getDefault()),
                            amounts(i.getDefaultRequest()), amounts(i.getMaxLimitRequestRatio()))));
                }
            }
        }
        Map<String, Map<String, BigDecimal>> quotas = new TreeMap<>();
        for (ResourceQuota quota : render.all(ResourceQuota.class)) {
            if (namespace.equals(quota.getMetadata().getNamespace())) {
                assertThat(quota.getSpec().getScopes()).as("quota scopes are not modelled").isNullOrEmpty();
                assertThat(quota.getSpec().getScopeSelector()).as("quota scopes are not modelled").isNull();
                quotas.put(quota.getMetadata().getName(), amounts(quota.getSpec().getHard()));
            }
        }
        // what the namespace holds besides: its claims (the shared ones) and Services
        Map<String, BigDecimal> baseline = new TreeMap<>();
        for (HasMetadata o : render.objects()) {
            if (!namespace.equals(o.getMetadata().getNamespace())) {
                continue;
            }
            if (o instanceof PersistentVolumeClaim claim) {
                add(baseline, claimUsage(amount(claim.getSpec().getResources().getRequests().get("storage"))));
            } else if (o instanceof Service) {
                add(baseline, serviceUsage());
            } else {
                assertThat(o.getKind()).as(o.getMetadata().getName() + ": an object the quota does not count")
                        .isIn(uncounted.toArray());
            }
        }
        return new Limits(render.name + " " + namespace, items, quotas, baseline);
    }

    /** SetDefaults_LimitRangeItem: a Container item's default is its max, its default request its default or min. */
    static Item defaulted(Item i) {
        if (!"Container".equals(i.type())) {
            return i;
        }
        Map<String, BigDecimal> defaults = new TreeMap<>(i.defaults());
        i.max().forEach(defaults::putIfAbsent);
        Map<String, BigDecimal> defaultRequests = new TreeMap<>(i.defaultRequests());
        defaults.forEach(defaultRequests::putIfAbsent);
        i.min().forEach(defaultRequests::putIfAbsent);
        return new Item(i.owner(), i.type(), i.min(), i.max(), defaults, defaultRequests, i.ratio());
    }

    // ---- the check

    /** Why the spec could not be admitted and run under these limits; empty when it fits. */
    static List<String> misfits(Spec spec, Limits limits) {
        List<String> why = new ArrayList<>();
        BigDecimal claim = homeClaim(spec);
        for (PodShape shape : executionPods(spec)) {
            PodShape pod = admitted(shape, limits);
            String what = spec.id() + " " + pod.name();
            checkLimitRanges(what, pod, limits, why);
            // the defaults must not add what the spec does not have: a GPU defaulted into a CPU pod (or more GPUs)
            // keeps it off every node the spec is meant for
            Map<String, BigDecimal> requests = podTotal(pod, Box::requests);
            requests.forEach((resource, amount) -> {
                BigDecimal asked = resource.equals(GPU) ? BigDecimal.valueOf(spec.gpuCount()) : BigDecimal.ZERO;
                if (!STANDARD.contains(resource) && amount.compareTo(asked) != 0) {
                    why.add(what + ": the LimitRange's defaults make it request " + amount(resource, amount) + " "
                            + resource + ", the spec has " + amount(resource, asked));
                }
            });
            if (spec.gpuCount() > 0 && !requests.containsKey(GPU)) {
                why.add(what + ": requests no " + GPU);
            }
            Map<String, BigDecimal> usage = podUsage(pod);
            add(usage, serviceUsage()); // a workspace has its Service
            add(usage, claimUsage(claim));
            checkQuotas(what, pod, usage, limits, why);
        }
        for (Item item : limits.items()) {
            if (item.type().equals("PersistentVolumeClaim")) {
                bound(spec.id() + " home claim", item, "storage", Map.of("storage", claim), Map.of(), why);
            }
        }
        // after the execution, its save pod beside the home claim it saves
        PodShape save = admitted(savePod(), limits);
        checkLimitRanges(spec.id() + " save pod", save, limits, why);
        Map<String, BigDecimal> usage = podUsage(save);
        add(usage, claimUsage(claim));
        checkQuotas(spec.id() + " save pod", save, usage, limits, why);
        return why;
    }

    /**
     * The pod as the API server stores it: a container's missing request is its limit (SetDefaults_Pod), then the
     * LimitRanger fills in each Container item's default limits and requests the container does not set.
     */
    static PodShape admitted(PodShape pod, Limits limits) {
        return new PodShape(pod.name(), pod.initContainers().stream().map(c -> admitted(c, limits)).toList(),
                pod.containers().stream().map(c -> admitted(c, limits)).toList());
    }

    private static Box admitted(Box c, Limits limits) {
        Map<String, BigDecimal> requests = new TreeMap<>(c.requests());
        Map<String, BigDecimal> lims = new TreeMap<>(c.limits());
        lims.forEach(requests::putIfAbsent);
        for (Item item : limits.items()) {
            if (item.type().equals("Container")) {
                item.defaults().forEach(lims::putIfAbsent);
                item.defaultRequests().forEach(requests::putIfAbsent);
            }
        }
        return Box.of(c.name(), requests, lims);
    }

    /** LimitRanger: Container items on each container and init container, Pod items on the pod's total. */
    static void checkLimitRanges(String what, PodShape pod, Limits limits, List<String> why) {
        for (Item item : limits.items()) {
            switch (item.type()) {
                case "Container" -> {
                    for (Box c : concat(pod.initContainers(), pod.containers())) {
                        for (String resource : union(item.min().keySet(), item.max().keySet(), item.ratio().keySet())) {
                            bound(what + " container " + c.name(), item, resource, c.requests(), c.limits(), why);
                        }
                    }
                }
                case "Pod" -> {
                    Map<String, BigDecimal> requests = limitRangerPodTotal(pod, Box::requests);
                    Map<String, BigDecimal> lims = limitRangerPodTotal(pod, Box::limits);
                    for (String resource : union(item.min().keySet(), item.max().keySet(), item.ratio().keySet())) {
                        bound(what, item, resource, requests, lims, why);
                    }
                }
                default -> {
                    // PersistentVolumeClaim: checked on the claim
                }
            }
        }
    }

    /** minConstraint, maxConstraint and limitRequestRatioConstraint of the LimitRanger. */
    private static void bound(String what, Item item, String resource, Map<String, BigDecimal> requests,
            Map<String, BigDecimal> limits, List<String> why) {
        BigDecimal request = requests.get(resource);
        BigDecimal limit = limits.get(resource);
        String rule = item.owner() + " " + item.type();
        BigDecimal min = item.min().get(resource);
        if (min != null) {
            if (request == null) {
                why.add(what + ": no request of " + resource + " (" + rule + " min " + resource + ")");
            } else if (request.compareTo(min) < 0) {
                why.add(what + ": request " + amount(resource, request) + " < " + rule + " min " + resource
                        + " " + amount(resource, min));
            } else if (limit != null && limit.compareTo(min) < 0) {
                why.add(what + ": limit " + amount(resource, limit) + " < " + rule + " min " + resource + " "
                        + amount(resource, min));
            }
        }
        BigDecimal max = item.max().get(resource);
        if (max != null) {
            if (item.type().equals("PersistentVolumeClaim")) {
                if (request == null || request.compareTo(max) > 0) {
                    why.add(what + ": request " + (request == null ? "none" : amount(resource, request)) + " > " + rule
                            + " max " + resource + " " + amount(resource, max));
                }
            } else if (limit == null) {
                why.add(what + ": no limit of " + resource + " (" + rule + " max " + resource + ")");
            } else if (limit.compareTo(max) > 0) {
                why.add(what + ": limit " + amount(resource, limit) + " > " + rule + " max " + resource + " "
                        + amount(resource, max));
            } else if (request != null && request.compareTo(max) > 0) {
                why.add(what + ": request " + amount(resource, request) + " > " + rule + " max " + resource + " "
                        + amount(resource, max));
            }
        }
        BigDecimal ratio = item.ratio().get(resource);
        if (ratio != null) {
            if (request == null || request.signum() == 0 || limit == null || limit.signum() == 0) {
                why.add(what + ": " + rule + " maxLimitRequestRatio " + resource + " needs a request and a limit");
            } else if (limit.divide(request, 6, RoundingMode.HALF_UP).compareTo(ratio) > 0) {
                why.add(what + ": limit/request of " + resource + " above " + rule + " maxLimitRequestRatio " + ratio);
            }
        }
    }

    /**
     * The quota admission: each quota's containers constraint (with cpu or memory in it, every container sets that
     * request or limit) and its hard values against what the namespace holds plus the spec's objects.
     */
    static void checkQuotas(String what, PodShape pod, Map<String, BigDecimal> usage, Limits limits, List<String> why) {
        for (Map.Entry<String, Map<String, BigDecimal>> quota : limits.quotas().entrySet()) {
            String rule = "quota " + quota.getKey();
            for (String hard : quota.getValue().keySet()) {
                assertThat(modelled(hard)).as(rule + " names " + hard + ", which SpecsFitLimitsTest does not model: "
                        + "teach it").isTrue();
                Matcher constrained = Pattern.compile("(?:(requests|limits)\\.)?(cpu|memory)").matcher(hard);
                if (constrained.matches()) {
                    boolean limit = "limits".equals(constrained.group(1));
                    for (Box c : concat(pod.initContainers(), pod.containers())) {
                        if (!(limit ? c.limits() : c.requests()).containsKey(constrained.group(2))) {
                            why.add(what + " container " + c.name() + ": sets no " + hard + " (" + rule + ")");
                        }
                    }
                }
            }
            quota.getValue().forEach((resource, hard) -> {
                BigDecimal used = usage.getOrDefault(resource, BigDecimal.ZERO);
                BigDecimal held = limits.baseline().getOrDefault(resource, BigDecimal.ZERO);
                if (held.add(used).compareTo(hard) > 0) {
                    why.add(what + ": " + rule + " " + resource + " " + amount(resource, hard) + " < "
                            + amount(resource, used) + (held.signum() == 0 ? "" : " + " + amount(resource, held)
                            + " the namespace already holds"));
                }
            });
        }
    }

    static boolean modelled(String quotaResource) {
        return Set.of("pods", "count/pods", "services", "count/services", "services.loadbalancers",
                "services.nodeports", "persistentvolumeclaims", "count/persistentvolumeclaims", "requests.storage",
                "cpu", "memory", "ephemeral-storage").contains(quotaResource)
                || quotaResource.matches("requests\\.[\\w./-]+")
                || quotaResource.matches("limits\\.(cpu|memory|ephemeral-storage)");
    }

    /** What a pod counts against a quota: its requests and limits (containers summed, or its largest init container). */
    static Map<String, BigDecimal> podUsage(PodShape pod) {
        Map<String, BigDecimal> usage = new TreeMap<>(Map.of("pods", BigDecimal.ONE, "count/pods", BigDecimal.ONE));
        podTotal(pod, Box::requests).forEach((resource, amount) -> {
            usage.put("requests." + resource, amount);
            if (STANDARD.contains(resource)) {
                usage.put(resource, amount);
            }
        });
        podTotal(pod, Box::limits).forEach((resource, amount) -> {
            if (STANDARD.contains(resource)) {
                usage.put("limits." + resource, amount);
            }
        });
        return usage;
    }

    static Map<String, BigDecimal> serviceUsage() {
        // the workspace's Service is a ClusterIP one (PodFactory.service sets no type)
        return Map.of("services", BigDecimal.ONE, "count/services", BigDecimal.ONE);
    }

    static Map<String, BigDecimal> claimUsage(BigDecimal storage) {
        return Map.of("persistentvolumeclaims", BigDecimal.ONE, "count/persistentvolumeclaims", BigDecimal.ONE,
                "requests.storage", storage);
    }

    /** The pod's resources as the quota and the scheduler count them: max(sum of containers, each init container). */
    static Map<String, BigDecimal> podTotal(PodShape pod, java.util.function.Function<Box, Map<String, BigDecimal>> of) {
        Map<String, BigDecimal> total = new TreeMap<>();
        pod.containers().forEach(c -> add(total, of.apply(c)));
        pod.initContainers().forEach(c -> of.apply(c).forEach((k, v) -> total.merge(k, v, BigDecimal::max)));
        return total;
    }

    /** The LimitRanger's own pod total: a resource not set in every container is left out of the sum. */
    static Map<String, BigDecimal> limitRangerPodTotal(PodShape pod,
            java.util.function.Function<Box, Map<String, BigDecimal>> of) {
        Map<String, BigDecimal> total = new TreeMap<>();
        for (String resource : union(pod.containers().stream().flatMap(c -> of.apply(c).keySet().stream()).toList())) {
            if (pod.containers().stream().allMatch(c -> of.apply(c).containsKey(resource))) {
                total.put(resource, pod.containers().stream().map(c -> of.apply(c).get(resource))
                        .reduce(BigDecimal.ZERO, BigDecimal::add));
            }
        }
        pod.initContainers().forEach(c -> of.apply(c).forEach((k, v) -> total.merge(k, v, BigDecimal::max)));
        return total;
    }

    /** How many executions of the spec (pod, Service, home claim) the quotas hold at once. */
    static long atOnce(Spec spec, Limits limits) {
        PodShape pod = admitted(executionPods(spec).get(1), limits);
        Map<String, BigDecimal> usage = podUsage(pod);
        add(usage, serviceUsage());
        add(usage, claimUsage(homeClaim(spec)));
        long n = Long.MAX_VALUE;
        for (Map<String, BigDecimal> quota : limits.quotas().values()) {
            for (Map.Entry<String, BigDecimal> hard : quota.entrySet()) {
                BigDecimal used = usage.getOrDefault(hard.getKey(), BigDecimal.ZERO);
                if (used.signum() > 0) {
                    BigDecimal room = hard.getValue().subtract(limits.baseline().getOrDefault(hard.getKey(),
                            BigDecimal.ZERO));
                    n = Math.min(n, room.divide(used, 0, RoundingMode.FLOOR).longValue());
                }
            }
        }
        return n;
    }

    // ---- amounts

    static Map<String, BigDecimal> amounts(Map<String, Quantity> quantities) {
        Map<String, BigDecimal> out = new TreeMap<>();
        if (quantities != null) {
            quantities.forEach((k, v) -> out.put(k, amount(v)));
        }
        return out;
    }

    static BigDecimal amount(Quantity q) {
        return Quantity.getAmountInBytes(q);
    }

    static BigDecimal amount(String q) {
        return amount(new Quantity(q));
    }

    /** For a message: bytes in Gi (or Mi when smaller), the rest as numbers. */
    static String amount(String resource, BigDecimal amount) {
        if (resource.contains("memory") || resource.contains("storage")) {
            BigDecimal unit = amount.compareTo(GI) >= 0 ? GI : MI;
            return amount.divide(unit, 2, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString()
                    + (unit == GI ? "Gi" : "Mi");
        }
        return amount.stripTrailingZeros().toPlainString();
    }

    static void add(Map<String, BigDecimal> into, Map<String, BigDecimal> more) {
        more.forEach((k, v) -> into.merge(k, v, BigDecimal::add));
    }

    @SafeVarargs
    private static List<String> union(java.util.Collection<String>... sets) {
        java.util.TreeSet<String> out = new java.util.TreeSet<>();
        for (java.util.Collection<String> s : sets) {
            out.addAll(s);
        }
        return new ArrayList<>(out);
    }

    private static List<Box> concat(List<Box> a, List<Box> b) {
        List<Box> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
