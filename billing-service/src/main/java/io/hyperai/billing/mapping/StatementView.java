package io.hyperai.billing.mapping;

import java.util.List;

/** A month's charges (by the UTC month their interval starts in), totalled three ways. */
public record StatementView(String userId, String month, String currency, long totalMinor, long totalSeconds,
        List<Line> byGear, List<Line> byComputeSpec, List<ExecutionLine> byExecution) {

    public record Line(String id, long amountMinor, long seconds, long entries) {
    }

    public record ExecutionLine(String executionId, String gearId, String computeSpecId, String mode, long amountMinor,
            long seconds, long entries) {
    }

    /** The same figures as CSV: one row per line, with the section it belongs to. */
    public String csv() {
        StringBuilder out = new StringBuilder("section,id,gear_id,compute_spec_id,mode,amount_minor,seconds,entries\n");
        out.append("total,").append(cell(month)).append(",,,,").append(totalMinor).append(',').append(totalSeconds)
                .append(',').append(byExecution.stream().mapToLong(ExecutionLine::entries).sum()).append('\n');
        for (Line l : byGear) {
            out.append("gear,").append(cell(l.id())).append(',').append(cell(l.id())).append(",,,")
                    .append(l.amountMinor()).append(',').append(l.seconds()).append(',').append(l.entries()).append('\n');
        }
        for (Line l : byComputeSpec) {
            out.append("compute_spec,").append(cell(l.id())).append(",,").append(cell(l.id())).append(",,")
                    .append(l.amountMinor()).append(',').append(l.seconds()).append(',').append(l.entries()).append('\n');
        }
        for (ExecutionLine l : byExecution) {
            out.append("execution,").append(cell(l.executionId())).append(',').append(cell(l.gearId())).append(',')
                    .append(cell(l.computeSpecId())).append(',').append(cell(l.mode())).append(',')
                    .append(l.amountMinor()).append(',').append(l.seconds()).append(',').append(l.entries()).append('\n');
        }
        return out.toString();
    }

    /** RFC 4180 quoting, and a leading quote for cells a spreadsheet would read as a formula. */
    static String cell(String value) {
        if (value == null) {
            return "";
        }
        String v = !value.isEmpty() && "=+-@".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        return v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r") || !v.equals(value)
                ? "\"" + v.replace("\"", "\"\"") + "\""
                : v;
    }
}
