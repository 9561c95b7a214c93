package io.hyperai.cli;

import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

final class AccountCommands {

    private AccountCommands() {
    }

    @Command(name = "storage", description = "Your storage: quota, usage by kind, uploads in flight.")
    static final class Storage extends Base {

        Storage(Cli cli) {
            super(cli);
        }

        @Override
        int execute() {
            JsonNode s = api().get("storage", "/api/v1/storage/me");
            if (json()) {
                cli.json(s);
                return 0;
            }
            long quota = s.path("quotaBytes").asLong();
            long used = s.path("usedBytes").asLong();
            List<List<String>> rows = new ArrayList<>();
            rows.add(row("quota", Format.size(quota)));
            rows.add(row("used", Format.size(used) + (quota <= 0 ? ""
                    : used > 0 && used * 1000 < quota ? " (<0.1%)"
                    : String.format(java.util.Locale.ROOT, " (%.1f%%)", used * 100.0 / quota))));
            for (Map.Entry<String, JsonNode> kind : (Iterable<Map.Entry<String, JsonNode>>) () -> s.path("usedByKind")
                    .fields()) {
                rows.add(row("  " + kind.getKey().toLowerCase(java.util.Locale.ROOT), Format.size(kind.getValue().asLong())));
            }
            rows.add(row("reserved", Format.size(s.path("reservedBytes").asLong())));
            rows.add(row("free", Format.size(Math.max(0, quota - used - s.path("reservedBytes").asLong()))));
            if (s.path("blocked").asBoolean()) {
                rows.add(row("blocked", "yes: over the quota, delete versions to create anything again"));
            }
            cli.print(Format.pairs(rows));
            return 0;
        }
    }

    @Command(name = "bill", description = "Your balance, what runs now, and a month's statement (default: this month, UTC).")
    static final class Bill extends Base {

        @Option(names = "--month", description = "YYYY-MM (default: this month).")
        String month;

        Bill(Cli cli) {
            super(cli);
        }

        @Override
        int execute() {
            Api api = api();
            JsonNode account = api.get("billing", "/api/v1/billing/me");
            String wanted = month != null ? month
                    : Json.text(account, "month") != null ? Json.text(account, "month")
                            : YearMonth.now(cli.clock.withZone(ZoneOffset.UTC)).toString();
            JsonNode statement = api.get("billing", "/api/v1/billing/me/statement?month=" + Paths.segment(wanted));
            if (json()) {
                ObjectNode both = Json.MAPPER.createObjectNode();
                both.set("account", account);
                both.set("statement", statement);
                cli.json(both);
                return 0;
            }
            String currency = Json.text(account, "currency");
            List<List<String>> pairs = new ArrayList<>();
            pairs.add(row("balance", Format.money(account.path("balanceMinor").asLong(), currency)
                    + (account.path("exhausted").asBoolean() ? "  (exhausted: top up to start executions)" : "")));
            if (account.hasNonNull("runwaySeconds")) {
                // what is running now uses the balance up in this long
                pairs.add(row("runway", Format.duration(java.time.Duration.ofSeconds(account.path("runwaySeconds").asLong()))
                        + " at the current rate (" + Format.money(account.path("projectedBalanceMinor").asLong(), currency)
                        + " left now)"));
            }
            pairs.add(row("spent " + Json.text(account, "month"),
                            Format.money(account.path(account.has("monthSpentMinor") ? "monthSpentMinor"
                                    : "spentThisMonthMinor").asLong(), currency)
                                    + LimitsCommand.capNote(account.path("limits"), currency)));
            cli.print(Format.pairs(pairs));
            List<List<String>> running = new ArrayList<>();
            for (JsonNode r : account.path("running")) {
                running.add(row(Json.text(r, "executionId"), Json.text(r, "gearId"), Json.text(r, "computeSpecId"),
                        Json.text(r, "mode"), Format.duration(java.time.Duration.ofSeconds(r.path("runningSeconds").asLong())),
                        Format.money(r.path("costSoFarMinor").asLong(), currency)));
            }
            if (!running.isEmpty()) {
                cli.println("");
                cli.println("running now");
                cli.print(Format.table(List.of("EXECUTION", "GEAR", "SPEC", "MODE", "RUNNING", "COST SO FAR"), running));
            }
            cli.println("");
            String statementCurrency = Json.text(statement, "currency") != null ? Json.text(statement, "currency") : currency;
            cli.println("statement " + Json.text(statement, "month") + ": "
                    + Format.money(statement.path("totalMinor").asLong(), statementCurrency) + " for "
                    + Format.duration(java.time.Duration.ofSeconds(statement.path("totalSeconds").asLong())));
            List<List<String>> lines = new ArrayList<>();
            for (JsonNode l : statement.path("byExecution")) {
                lines.add(row(Json.text(l, "executionId"), Json.text(l, "gearId"), Json.text(l, "computeSpecId"),
                        Json.text(l, "mode"), Format.duration(java.time.Duration.ofSeconds(l.path("seconds").asLong())),
                        Format.money(l.path("amountMinor").asLong(), statementCurrency)));
            }
            if (!lines.isEmpty()) {
                cli.print(Format.table(List.of("EXECUTION", "GEAR", "SPEC", "MODE", "TIME", "AMOUNT"), lines));
            }
            return 0;
        }
    }
}
