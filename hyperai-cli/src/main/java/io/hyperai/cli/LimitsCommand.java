package io.hyperai.cli;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hyperai limits [--monthly-cap N|none] [--low-balance N|none]}: shows the caller's spending limits, or changes
 * the ones given (the API replaces both, so the other is sent as it is now).
 */
@Command(name = "limits", description = "Your spending limits in minor units: a monthly cap (starts refused and"
        + " executions stopped when this month's spend reaches it) and a low-balance warning threshold.")
final class LimitsCommand extends Base {

    private static final String NONE = "none";

    @Option(names = "--monthly-cap", paramLabel = "N|none", description = "The monthly cap, or none.")
    String monthlyCap;

    @Option(names = "--low-balance", paramLabel = "N|none", description = "Warn when the balance falls to N, or none.")
    String lowBalance;

    LimitsCommand(Cli cli) {
        super(cli);
    }

    @Override
    int execute() {
        Api api = api();
        JsonNode account = api.get("billing", "/api/v1/billing/me");
        JsonNode limits = account.path("limits");
        if (monthlyCap != null || lowBalance != null) {
            ObjectNode body = Json.MAPPER.createObjectNode();
            put(body, "monthlyCapMinor", monthlyCap, "--monthly-cap", limits);
            put(body, "lowBalanceThresholdMinor", lowBalance, "--low-balance", limits);
            limits = api.put("billing", "/api/v1/billing/me/limits", body);
        }
        if (json()) {
            cli.json(limits);
            return 0;
        }
        String currency = Json.text(account, "currency");
        cli.print(Format.pairs(List.of(
                row("monthly cap", amount(limits.path("monthlyCapMinor"), currency)
                        + (limits.path("capReached").asBoolean() ? "  (reached: starts refused until next month)" : "")),
                row("low balance", amount(limits.path("lowBalanceThresholdMinor"), currency)
                        + (limits.path("lowBalance").asBoolean() ? "  (the balance is at or below it)" : "")))));
        return 0;
    }

    /** The given value, or the current one when the option is absent. */
    private void put(ObjectNode body, String field, String given, String option, JsonNode current) {
        if (given == null) {
            body.set(field, current.path(field).isMissingNode() ? null : current.path(field));
        } else if (NONE.equalsIgnoreCase(given)) {
            body.putNull(field);
        } else {
            try {
                long value = Long.parseLong(given);
                if (value < 0) {
                    throw new NumberFormatException();
                }
                body.put(field, value);
            } catch (NumberFormatException e) {
                throw usage(option + " must be a whole number of minor units (0 or more) or none");
            }
        }
    }

    private static String amount(JsonNode minor, String currency) {
        return minor.isNumber() ? Format.money(minor.asLong(), currency) : NONE;
    }

    /** For {@code bill}: how this month's spend stands against the cap, if there is one. */
    static String capNote(JsonNode limits, String currency) {
        JsonNode cap = limits.path("monthlyCapMinor");
        if (!cap.isNumber()) {
            return "";
        }
        return " of a " + Format.money(cap.asLong(), currency) + " cap"
                + (limits.path("capReached").asBoolean() ? " (reached)" : "");
    }
}
