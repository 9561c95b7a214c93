package io.hyperai.cli;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** A command that talks to the platform; {@code -o json} prints the API's answer as it is. */
abstract class Base implements Callable<Integer> {

    /** How a command prints its answer. */
    enum Output {
        /** For people: tables and sentences. */
        table,
        /** For scripts: the API's JSON as it is. */
        json
    }

    // an initial value, not defaultValue: picocli applies defaults after parsing, which would undo --json
    @Option(names = { "-o", "--output" }, paramLabel = "FORMAT",
            description = "${COMPLETION-CANDIDATES}: a table for people (the default), or the API's JSON as it is "
                    + "for scripts.")
    Output output = Output.table;

    @Spec
    CommandSpec spec;

    final Cli cli;

    Base(Cli cli) {
        this.cli = cli;
    }

    @Option(names = "--json", description = "Same as --output json.")
    void setJson(boolean json) {
        if (json) {
            output = Output.json;
        }
    }

    boolean json() {
        return output == Output.json;
    }

    @Override
    public Integer call() {
        return execute();
    }

    abstract int execute();

    Api api() {
        return cli.api();
    }

    Instant now() {
        return cli.clock.instant();
    }

    ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** With {@code -o json} the node itself, else the table. */
    int show(JsonNode node, List<String> headers, List<List<String>> rows) {
        if (json()) {
            cli.json(node);
        } else {
            cli.print(Format.table(headers, rows));
        }
        return 0;
    }

    /** A table row; null cells print as {@code -}. */
    static List<String> row(Object... cells) {
        List<String> row = new java.util.ArrayList<>(cells.length);
        for (Object cell : cells) {
            row.add(cell == null ? null : String.valueOf(cell));
        }
        return row;
    }

    static String text(JsonNode node, String field) {
        return Json.text(node, field);
    }

    /** A page's items ({@code {items: [...]}}) or a plain list. */
    static Iterable<JsonNode> items(JsonNode node) {
        if (node == null) {
            return List.of();
        }
        return node.has("items") ? node.get("items") : node;
    }
}
