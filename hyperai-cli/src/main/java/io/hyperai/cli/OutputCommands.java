package io.hyperai.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** An ended execution's saved working directory: what it holds, its files, its deletion. */
@Command(name = "output", description = "The working directory an ended execution saved (/hyperai/home).",
        subcommands = { OutputCommands.ListFiles.class, OutputCommands.Get.class, OutputCommands.Remove.class })
final class OutputCommands implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "an output command is required (ls, get, rm)");
    }

    static String outputPath(String executionId) {
        return "/api/v1/executions/" + Paths.segment(executionId) + "/output";
    }

    /** Every file of the output, all pages. */
    static List<JsonNode> files(Api api, String executionId) {
        List<JsonNode> files = new ArrayList<>();
        for (int page = 0;; page++) {
            JsonNode p = api.get("execution", outputPath(executionId) + "?size=100&page=" + page);
            p.path("items").forEach(files::add);
            if (files.size() >= p.path("total").asLong() || p.path("items").isEmpty()) {
                return files;
            }
        }
    }

    @Command(name = "ls", aliases = "list", description = "The files of an execution's saved working directory.")
    static final class ListFiles extends Base {

        @Parameters(index = "0", paramLabel = "EXECUTION")
        String id;

        ListFiles(Cli cli) {
            super(cli);
        }

        @Override
        int execute() {
            JsonNode page = api().get("execution", outputPath(id) + "?size=100");
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode f : items(page)) {
                rows.add(row(text(f, "path"), Format.size(f.path("sizeBytes").asLong())));
            }
            return show(page, List.of("PATH", "SIZE"), rows);
        }
    }

    @Command(name = "get", description = "Download an execution's saved working directory (all, or the PATHs given).")
    static final class Get extends Base {

        @Parameters(index = "0", paramLabel = "EXECUTION")
        String id;

        @Parameters(index = "1..*", arity = "0..*", paramLabel = "PATH", description = "Files to get (default: all).")
        List<String> only = new ArrayList<>();

        @Option(names = { "-C", "--directory" }, paramLabel = "DIR", defaultValue = ".",
                description = "The folder to write into (default: .).")
        Path directory;

        Get(Cli cli) {
            super(cli);
        }

        @Override
        int execute() {
            Api api = api();
            List<String> paths = Downloads.choose(files(api, id).stream().map(f -> text(f, "path")).toList(), only,
                    w -> "the output of execution " + id + " has no file " + w);
            Path root = directory.toAbsolutePath().normalize();
            long bytes = Downloads.fetch(api, "execution", root, paths,
                    path -> outputPath(id) + "/files/" + Paths.filePath(path), cli.progress());
            if (json()) {
                cli.json(Json.MAPPER.createObjectNode().put("executionId", id).put("files", paths.size()).put("bytes", bytes)
                        .put("directory", root.toString()));
            } else {
                cli.println("downloaded the output of execution " + id + ": " + Format.count(paths.size(), "file")
                        + ", " + Format.size(bytes) + " into " + root);
            }
            return 0;
        }
    }

    @Command(name = "rm", aliases = "delete", description = "Delete an execution's saved working directory; its bytes"
            + " stop counting toward your storage.")
    static final class Remove extends Base {

        @Parameters(index = "0", paramLabel = "EXECUTION")
        String id;

        Remove(Cli cli) {
            super(cli);
        }

        @Override
        int execute() {
            api().delete("execution", outputPath(id));
            if (json()) {
                cli.json(Json.MAPPER.createObjectNode().put("executionId", id).put("deleted", true));
            } else {
                cli.println("deleted the output of execution " + id);
            }
            return 0;
        }
    }
}
