package io.hyperai.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "data", description = "Datasets (and with --model, models) and their immutable versions.",
        subcommands = { DataCommands.Create.class, DataCommands.ListItems.class, DataCommands.Upload.class,
                DataCommands.Versions.class, DataCommands.Download.class })
final class DataCommands implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(),
                "a data command is required (create, list, upload, versions, download)");
    }

    /** {@code --model} switches every data command from datasets to models. */
    abstract static class ItemCommand extends Base {

        @Option(names = { "-m", "--model" }, description = "A model rather than a dataset.")
        boolean model;

        ItemCommand(Cli cli) {
            super(cli);
        }

        String collection() {
            return model ? "models" : "datasets";
        }

        String kind() {
            return model ? "model" : "dataset";
        }

        String base() {
            return "/api/v1/" + collection();
        }
    }

    @Command(name = "create", description = "Create a dataset (or a model with --model).")
    static final class Create extends ItemCommand {

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Option(names = { "-d", "--description" })
        String description;

        Create(Cli cli) {
            super(cli);
        }

        @Override
        int execute() {
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.put("name", name);
            if (description != null) {
                body.put("description", description);
            }
            JsonNode item = api().post("warehouse", base(), body);
            if (json()) {
                cli.json(item);
            } else {
                cli.println("created " + kind() + " " + text(item, "id") + " (" + text(item, "name") + ")");
            }
            return 0;
        }
    }

    @Command(name = "list", aliases = "ls", description = "Your datasets (or models with --model).")
    static final class ListItems extends ItemCommand {

        ListItems(Cli cli) {
            super(cli);
        }

        @Override
        int execute() {
            JsonNode page = api().get("warehouse", base() + "?size=100");
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode i : items(page)) {
                rows.add(row(text(i, "id"), text(i, "name"), text(i, "description"),
                        Format.ago(Format.instant(text(i, "createdAt")), now())));
            }
            return show(page, List.of("ID", "NAME", "DESCRIPTION", "CREATED"), rows);
        }
    }

    @Command(name = "upload", description = "Upload files and folders as the next version (a folder's files keep their paths inside it).")
    static final class Upload extends ItemCommand {

        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "PATH")
        List<Path> paths;

        @Option(names = "--no-unpack", description = "Keep an uploaded archive as it is.")
        boolean noUnpack;

        Upload(Cli cli) {
            super(cli);
        }

        @Override
        int execute() {
            List<Multipart.FilePart> files = new ArrayList<>();
            for (Path path : paths) {
                if (Files.isDirectory(path)) {
                    files.addAll(IgnoreRules.parse(List.of()).collect(path));
                } else if (Files.isRegularFile(path)) {
                    files.add(Multipart.FilePart.of(path.getFileName().toString(), path));
                } else {
                    throw new CliException("no such file or folder: " + path);
                }
            }
            if (files.isEmpty()) {
                throw new CliException("nothing to upload: the folders are empty");
            }
            long total = files.stream().mapToLong(Multipart.FilePart::size).sum();
            JsonNode version;
            try (Progress bar = cli.progress().start("upload", total)) {
                version = api().postMultipart("warehouse",
                        base() + "/" + Paths.segment(id) + "/versions" + (noUnpack ? "?unpack=false" : ""),
                        new Multipart("files", files, bar));
            }
            if (json()) {
                cli.json(version);
            } else {
                cli.println("uploaded version " + version.path("version").asInt() + " of " + kind() + " " + id + ": "
                        + Format.count(version.path("fileCount").asInt(), "file") + ", "
                        + Format.size(version.path("totalBytes").asLong()));
            }
            return 0;
        }
    }

    @Command(name = "versions", description = "The versions of a dataset (or model).")
    static final class Versions extends ItemCommand {

        @Parameters(index = "0", paramLabel = "ID")
        String id;

        Versions(Cli cli) {
            super(cli);
        }

        @Override
        int execute() {
            JsonNode page = api().get("warehouse", base() + "/" + Paths.segment(id) + "/versions?size=100");
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode v : items(page)) {
                rows.add(row(v.path("version").asInt(), v.path("fileCount").asInt(),
                        Format.size(v.path("totalBytes").asLong()), Format.ago(Format.instant(text(v, "createdAt")), now())));
            }
            return show(page, List.of("VERSION", "FILES", "SIZE", "CREATED"), rows);
        }
    }

    @Command(name = "download", description = "Download a version's files (all, or the PATHs given) into a folder.")
    static final class Download extends ItemCommand {

        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Parameters(index = "1..*", arity = "0..*", paramLabel = "PATH", description = "Files of the version (default: all).")
        List<String> only = new ArrayList<>();

        @Option(names = { "-v", "--version" }, description = "The version (default: the latest).")
        Integer version;

        @Option(names = { "-C", "--directory" }, paramLabel = "DIR", defaultValue = ".",
                description = "The folder to write into (default: .).")
        Path directory;

        Download(Cli cli) {
            super(cli);
        }

        @Override
        int execute() {
            Api api = api();
            String item = base() + "/" + Paths.segment(id);
            int n = version != null ? version : latest(api, item);
            JsonNode detail = api.get("warehouse", item + "/versions/" + n);
            List<String> listed = new ArrayList<>();
            detail.path("files").forEach(f -> listed.add(text(f, "path")));
            List<String> paths = Downloads.choose(listed, only,
                    w -> "version " + n + " of " + kind() + " " + id + " has no file " + w);
            Path root = directory.toAbsolutePath().normalize();
            long bytes = Downloads.fetch(api, "warehouse", root, paths,
                    path -> item + "/versions/" + n + "/files/" + Paths.filePath(path), cli.progress());
            if (json()) {
                cli.json(detail);
            } else {
                cli.println("downloaded version " + n + " of " + kind() + " " + id + ": "
                        + Format.count(paths.size(), "file") + ", " + Format.size(bytes) + " into " + root);
            }
            return 0;
        }

        private int latest(Api api, String item) {
            int latest = 0;
            for (JsonNode v : items(api.get("warehouse", item + "/versions?size=100"))) {
                latest = Math.max(latest, v.path("version").asInt());
            }
            if (latest == 0) {
                throw new CliException(kind() + " " + id + " has no versions yet");
            }
            return latest;
        }
    }
}
