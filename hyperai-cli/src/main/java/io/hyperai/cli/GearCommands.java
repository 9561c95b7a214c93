package io.hyperai.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "gear", description = "Gears: a compute spec, an image and data bindings.",
        subcommands = { GearCommands.Create.class, GearCommands.ListGears.class, GearCommands.Show.class,
                GearCommands.Delete.class })
final class GearCommands implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "a gear command is required (create, list, show, delete)");
    }

    static final List<String> HEADERS = List.of("ID", "NAME", "SPEC", "IMAGE", "BINDINGS", "REVISION", "CREATED");

    static List<String> gearRow(JsonNode g, java.time.Instant now) {
        return Base.row(text(g, "id"), text(g, "name"), text(g, "computeSpecId"), text(g, "imageId"),
                g.path("bindings").size(), g.path("revision").asInt(),
                Format.ago(Format.instant(text(g, "createdAt")), now));
    }

    static String text(JsonNode node, String field) {
        return Json.text(node, field);
    }

    /** {@code /data=dataset:ID:3}, {@code /models/m=model:ID:1}, {@code /prev=output:EXECUTION}. */
    static ObjectNode binding(String spec) {
        int eq = spec.indexOf('=');
        if (eq <= 0) {
            throw CliException.usage("--bind must be MOUNT=KIND:ID[:VERSION], e.g. /data=dataset:ID:1 (got " + spec + ")");
        }
        String[] source = spec.substring(eq + 1).split(":");
        ObjectNode binding = Json.MAPPER.createObjectNode();
        binding.put("mountPath", spec.substring(0, eq));
        ObjectNode s = binding.putObject("source");
        s.put("kind", source[0]);
        if ("output".equals(source[0])) {
            if (source.length != 2) {
                throw CliException.usage("--bind output must be MOUNT=output:EXECUTION_ID (got " + spec + ")");
            }
            s.put("executionId", source[1]);
            return binding;
        }
        if (source.length < 2 || source.length > 3) {
            throw CliException.usage("--bind must be MOUNT=KIND:ID[:VERSION] (got " + spec + ")");
        }
        s.put("id", source[1]);
        if (source.length == 3) {
            try {
                s.put("version", Integer.parseInt(source[2]));
            } catch (NumberFormatException e) {
                throw CliException.usage("--bind: the version must be a number (got " + source[2] + ")");
            }
        }
        return binding;
    }

    @Command(name = "create", description = "Create a gear.")
    static final class Create extends Base {

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Option(names = { "-s", "--spec" }, required = true, description = "Compute spec id (see `hyperai specs`).")
        String specId;

        @Option(names = { "-i", "--image" }, required = true, description = "Image id (see `hyperai images`).")
        String image;

        @Option(names = { "-b", "--bind" }, paramLabel = "MOUNT=KIND:ID[:VERSION]",
                description = "Mount a dataset or model version (kind dataset|model) or an execution's output (MOUNT=output:EXECUTION).")
        List<String> bindings = new ArrayList<>();

        Create(Cli cli) {
            super(cli);
        }

        @Override
        int execute() {
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.put("name", name);
            body.put("computeSpecId", specId);
            body.put("imageId", image);
            ArrayNode list = body.putArray("bindings");
            bindings.forEach(b -> list.add(binding(b)));
            JsonNode gear = api().post("gear", "/api/v1/gears", body);
            if (json()) {
                cli.json(gear);
            } else {
                cli.println("created gear " + text(gear, "id") + " (" + text(gear, "name") + ")");
            }
            return 0;
        }
    }

    @Command(name = "list", aliases = "ls", description = "Your gears.")
    static final class ListGears extends Base {

        @Option(names = "--page", defaultValue = "0")
        int page;

        @Option(names = "--size", defaultValue = "50")
        int size;

        ListGears(Cli cli) {
            super(cli);
        }

        @Override
        int execute() {
            JsonNode gears = api().get("gear", "/api/v1/gears?page=" + page + "&size=" + size);
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode g : items(gears)) {
                rows.add(gearRow(g, now()));
            }
            return show(gears, HEADERS, rows);
        }
    }

    @Command(name = "show", description = "One gear with its bindings.")
    static final class Show extends Base {

        @Parameters(index = "0", paramLabel = "GEAR")
        String id;

        Show(Cli cli) {
            super(cli);
        }

        @Override
        int execute() {
            JsonNode g = api().get("gear", "/api/v1/gears/" + Paths.segment(id));
            if (json()) {
                cli.json(g);
                return 0;
            }
            cli.print(Format.table(List.of("FIELD", "VALUE"), List.of(row("id", text(g, "id")),
                    row("name", text(g, "name")), row("spec", text(g, "computeSpecId")),
                    row("image", text(g, "imageId")), row("revision", g.path("revision").asInt()),
                    row("created", text(g, "createdAt")), row("updated", text(g, "updatedAt")))));
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode b : g.path("bindings")) {
                JsonNode s = b.path("source");
                rows.add(row(text(b, "mountPath"), text(s, "kind"),
                        "output".equals(text(s, "kind")) ? text(s, "executionId") : text(s, "id"),
                        text(s, "version"), b.path("readOnly").asBoolean() ? "ro" : "rw"));
            }
            if (!rows.isEmpty()) {
                cli.println("");
                cli.print(Format.table(List.of("MOUNT", "KIND", "SOURCE", "VERSION", "MODE"), rows));
            }
            return 0;
        }
    }

    @Command(name = "delete", aliases = "rm", description = "Delete a gear.")
    static final class Delete extends Base {

        @Parameters(index = "0", paramLabel = "GEAR")
        String id;

        Delete(Cli cli) {
            super(cli);
        }

        @Override
        int execute() {
            api().delete("gear", "/api/v1/gears/" + Paths.segment(id));
            cli.println("deleted gear " + id);
            return 0;
        }
    }
}
