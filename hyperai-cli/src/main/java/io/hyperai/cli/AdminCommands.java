package io.hyperai.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** What only admins may do: the events the services could not apply, and their redrive. */
@Command(name = "admin", description = "Platform administration (role admin).",
        subcommands = { AdminCommands.DeadLetters.class, AdminCommands.Redrive.class })
final class AdminCommands implements Callable<Integer> {

    /** The services that consume events, and so may hold dead letters. */
    static final List<String> CONSUMING = List.of("gear", "execution", "storage", "billing");

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "an admin command is required (dead-letters, redrive)");
    }

    static String path(String service) {
        return "/api/v1/admin/" + service + "-service/dead-letters";
    }

    @Command(name = "dead-letters", description = "Events a service could not apply (default: those waiting, in every"
            + " service).")
    static final class DeadLetters extends Base {

        @Option(names = "--service", paramLabel = "SERVICE", description = "Only this service (gear, execution,"
                + " storage, billing).")
        String service;

        @Option(names = "--all", description = "Also those already redriven.")
        boolean all;

        DeadLetters(Cli cli) {
            super(cli);
        }

        @Override
        int execute() {
            Api api = api();
            ArrayNode found = Json.MAPPER.createArrayNode();
            List<List<String>> rows = new ArrayList<>();
            for (String s : services(service)) {
                JsonNode page = api.get(s, path(s) + "?size=100" + (all ? "" : "&state=WAITING"));
                for (JsonNode d : items(page)) {
                    found.add(((com.fasterxml.jackson.databind.node.ObjectNode) d.deepCopy()).put("service", s));
                    rows.add(row(s, d.path("id").asLong(), text(d, "state"), text(d, "eventType"),
                            d.path("deliveries").asInt(), text(d, "lastAt"), text(d, "reason")));
                }
            }
            return show(found, List.of("SERVICE", "ID", "STATE", "TYPE", "DELIVERIES", "LAST", "REASON"), rows);
        }
    }

    @Command(name = "redrive", description = "Apply a service's dead letter again (or all that wait, with --all);"
            + " applying one twice changes nothing.")
    static final class Redrive extends Base {

        @Parameters(index = "0", paramLabel = "SERVICE", description = "gear, execution, storage or billing")
        String service;

        @Parameters(index = "1", arity = "0..1", paramLabel = "ID")
        Long id;

        @Option(names = "--all", description = "Every dead letter of the service that waits.")
        boolean all;

        Redrive(Cli cli) {
            super(cli);
        }

        @Override
        int execute() {
            services(service);
            if ((id == null) == !all) {
                throw usage("give either an ID or --all");
            }
            JsonNode answer = api().post(service, path(service) + (all ? "/redrive" : "/" + id + "/redrive"), null);
            if (json()) {
                cli.json(answer);
            } else if (all) {
                cli.println(service + "-service: " + answer.path("applied").asInt() + " applied, "
                        + answer.path("stillWaiting").asInt() + " still waiting");
            } else {
                cli.println(service + "-service: dead letter " + id + " " + text(answer, "state").toLowerCase());
            }
            return 0;
        }
    }

    private static List<String> services(String service) {
        if (service == null) {
            return CONSUMING;
        }
        if (!CONSUMING.contains(service)) {
            throw CliException.usage("no dead letters in " + service + ": one of " + String.join(", ", CONSUMING));
        }
        return List.of(service);
    }
}
