package io.hyperai.test.matrix;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What a matrix tried, what it found wrong and what it could not try, printable as a summary. */
public final class MatrixReport {

    private final String name;
    private final Requests requests;
    private final long startedNanos = System.nanoTime();
    private final List<String> failures = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final Map<String, Integer> checks = new TreeMap<>();
    private long elapsedMillis;

    MatrixReport(String name, Requests requests) {
        this.name = name;
        this.requests = requests;
    }

    void checked(String kind) {
        checks.merge(kind, 1, Integer::sum);
    }

    void fail(String what) {
        failures.add(what);
    }

    void skip(String what) {
        skipped.add(what);
    }

    void note(String what) {
        notes.add(what);
    }

    MatrixReport finish() {
        elapsedMillis = (System.nanoTime() - startedNanos) / 1_000_000;
        return this;
    }

    /** Everything that did not answer as it must; empty when the matrix passed. */
    public List<String> failures() {
        return List.copyOf(failures);
    }

    /** Operations (with the check) that could not be tried, and why. */
    public List<String> skipped() {
        return List.copyOf(skipped);
    }

    /** How many checks of each kind were made. */
    public Map<String, Integer> checks() {
        return Map.copyOf(checks);
    }

    public int requestsSent() {
        return requests.total();
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        s.append(name).append(": ").append(requests.total()).append(" requests in ").append(elapsedMillis)
                .append(" ms; per service ").append(requests.counts()).append('\n');
        s.append("  checks ").append(checks).append('\n');
        s.append("  skipped ").append(skipped.size()).append('\n');
        skipped.forEach(k -> s.append("    - ").append(k).append('\n'));
        notes.forEach(n -> s.append("  note: ").append(n).append('\n'));
        s.append("  failures ").append(failures.size()).append('\n');
        failures.forEach(f -> s.append("    ! ").append(f).append('\n'));
        return s.toString();
    }
}
