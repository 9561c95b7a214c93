package io.hyperai.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

final class ExecutionCommands {

    static final Set<String> TERMINAL = Set.of("SUCCEEDED", "FAILED", "STOPPED");

    private ExecutionCommands() {
    }

    static String executionPath(String id) {
        return "/api/v1/executions/" + Paths.segment(id);
    }

    /**
     * Passes the execution's output to {@code output} until it has ended (reconnecting if the stream
     * breaks off before), and returns the ended execution.
     */
    static JsonNode follow(Api api, String id, Consumer<String> output) {
        AtomicLong printed = new AtomicLong();
        for (int attempt = 0;; attempt++) {
            AtomicLong seen = new AtomicLong();
            try {
                api.follow("execution", executionPath(id) + "/logs?follow=true", chunk -> {
                    // a reconnected stream starts from the beginning: skip what is already printed
                    long start = seen.get();
                    seen.addAndGet(chunk.length());
                    long skip = printed.get() - start;
                    if (skip < chunk.length()) {
                        String fresh = chunk.substring((int) Math.max(0, skip));
                        output.accept(fresh);
                        printed.addAndGet(fresh.length());
                    }
                });
            } catch (CliException e) {
                if (attempt >= 5 || e.getMessage().startsWith("Not Found") || e.getMessage().startsWith("not authorized")) {
                    throw e;
                }
            }
            JsonNode execution = api.get("execution", executionPath(id));
            if (TERMINAL.contains(Json.text(execution, "state"))) {
                return execution;
            }
            sleep(Duration.ofSeconds(1));
        }
    }

    /** The execution's exit code as the CLI's: its own when it has one, else 0 for SUCCEEDED and 1 otherwise. */
    static int exitCode(JsonNode execution) {
        JsonNode code = execution.get("exitCode");
        if (code != null && code.isInt()) {
            return Math.min(255, Math.max(0, code.asInt()));
        }
        return "SUCCEEDED".equals(Json.text(execution, "state")) ? 0 : 1;
    }

    static String summary(JsonNode e, Instant now) {
        StringBuilder line = new StringBuilder("execution " + Json.text(e, "id") + " " + Json.text(e, "state"));
        if (e.hasNonNull("exitCode")) {
            line.append(" (exit ").append(e.get("exitCode").asInt()).append(')');
        }
        if (e.hasNonNull("reason")) {
            line.append(": ").append(Json.text(e, "reason"));
        }
        Instant started = Format.instant(Json.text(e, "startedAt"));
        if (started != null) {
            Instant ended = Format.instant(Json.text(e, "endedAt"));
            line.append(" after ").append(Format.duration(started, ended != null ? ended : now));
        }
        return line.toString();
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }

    @Command(name = "run", description = {
            "Run COMMAND on the gear as a script with this folder's code; follow it and exit with its exit code.",
            "The upload leaves out .git and what .hyperaiignore names; with -d, print the execution's id and return." })
    static final class Run extends Base {

        @Option(names = { "-g", "--gear" }, required = true, description = "The gear to run on.")
        String gear;

        @Option(names = { "-C", "--dir" }, defaultValue = ".", description = "The folder to upload (default: .).")
        Path dir;

        @Option(names = { "-d", "--detach" }, description = "Start it and print its id; do not follow.")
        boolean detach;

        @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "The entry command, e.g. python train.py.")
        List<String> command;

        Run(Cli cli) {
            super(cli);
        }

        @Override
        int execute() {
            Path root = dir.toAbsolutePath().normalize();
            if (!Files.isDirectory(root)) {
                throw new CliException("no such folder: " + root);
            }
            List<Multipart.FilePart> files = IgnoreRules.of(root).collect(root);
            Api api = api();
            // an unknown gear fails before any code is uploaded (and counted against the quota)
            api.get("gear", "/api/v1/gears/" + Paths.segment(gear));
            String codeId = null;
            if (!files.isEmpty()) {
                long total = files.stream().mapToLong(Multipart.FilePart::size).sum();
                JsonNode code;
                try (Progress bar = cli.progress().start("code", total)) {
                    code = api.postMultipart("execution", "/api/v1/code", new Multipart("files", files, bar));
                }
                codeId = Json.text(code, "id");
                cli.note("uploaded " + Format.count(files.size(), "file") + " (" + Format.size(total) + ") as code "
                        + codeId);
            }
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.put("mode", "script");
            body.put("entryCommand", String.join(" ", command));
            if (codeId != null) {
                body.put("codeId", codeId);
            }
            JsonNode started;
            try {
                started = api.post("execution", "/api/v1/gears/" + Paths.segment(gear) + "/executions", body);
            } catch (Api.Refused refused) {
                if (refused.clientError()) {
                    discard(api, codeId);
                }
                throw refused;
            }
            String id = Json.text(started, "id");
            if (detach) {
                if (json()) {
                    cli.json(started);
                } else {
                    cli.println(id);
                }
                return 0;
            }
            cli.note("execution " + id + " " + Json.text(started, "state") + "; following its output (Ctrl-C leaves it running)");
            // with -o json, stdout is the ended execution's JSON alone; the output goes to stderr
            JsonNode ended = follow(api, id, json() ? cli::printErr : cli::print);
            if (json()) {
                cli.json(ended);
            } else {
                cli.note(summary(ended, now()));
            }
            return exitCode(ended);
        }

        /** The code of a start the platform refused: none of a refused run stays counted against the quota. */
        private void discard(Api api, String codeId) {
            if (codeId == null) {
                return;
            }
            try {
                api.delete("execution", "/api/v1/code/" + Paths.segment(codeId));
            } catch (CliException e) {
                cli.note("could not remove the uploaded code " + codeId + ": " + e.getMessage());
            }
        }
    }

    @Command(name = "jupyter", description = "Start a Jupyter workspace on the gear and print its URL once it runs.")
    static final class Jupyter extends Base {

        @Option(names = { "-g", "--gear" }, required = true)
        String gear;

        @Option(names = "--wait", defaultValue = "600", description = "Seconds to wait for it to run (default: 600).")
        long waitSeconds;

        Jupyter(Cli cli) {
            super(cli);
        }

        @Override
        int execute() {
            Api api = api();
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.put("mode", "jupyter");
            JsonNode execution = api.post("execution", "/api/v1/gears/" + Paths.segment(gear) + "/executions", body);
            String id = Json.text(execution, "id");
            cli.note("execution " + id + " " + Json.text(execution, "state") + "; waiting for the workspace");
            Instant deadline = now().plusSeconds(waitSeconds);
            while (Json.text(execution, "workspaceUrl") == null) {
                if (TERMINAL.contains(Json.text(execution, "state"))) {
                    throw new CliException(summary(execution, now()));
                }
                if (now().isAfter(deadline)) {
                    throw new CliException("execution " + id + " is still " + Json.text(execution, "state") + " after "
                            + waitSeconds + "s (it keeps starting; `hyperai ps`)");
                }
                sleep(Duration.ofSeconds(1));
                execution = api.get("execution", executionPath(id));
            }
            if (json()) {
                cli.json(execution);
            } else {
                cli.println(Json.text(execution, "workspaceUrl"));
            }
            return 0;
        }
    }

    @Command(name = "logs", description = "An execution's output; with -f, follow it until the execution ends.")
    static final class Logs extends Base {

        @Parameters(index = "0", paramLabel = "EXECUTION")
        String id;

        @Option(names = { "-f", "--follow" })
        boolean follow;

        Logs(Cli cli) {
            super(cli);
        }

        @Override
        int execute() {
            Api api = api();
            if (!follow) {
                cli.print(api.text("execution", executionPath(id) + "/logs"));
                return 0;
            }
            JsonNode ended = follow(api, id, cli::print);
            cli.note(summary(ended, now()));
            return 0;
        }
    }

    @Command(name = "stop", description = "Stop an execution.")
    static final class Stop extends Base {

        @Parameters(index = "0", paramLabel = "EXECUTION")
        String id;

        Stop(Cli cli) {
            super(cli);
        }

        @Override
        int execute() {
            JsonNode e = api().post("execution", executionPath(id) + "/stop", null);
            if (json()) {
                cli.json(e);
            } else {
                cli.println("execution " + id + " " + Json.text(e, "state"));
            }
            return 0;
        }
    }

    @Command(name = "continue", description = "Start a new execution from an ended one's output, on the same gear.")
    static final class Continue extends Base {

        @Parameters(index = "0", paramLabel = "EXECUTION")
        String id;

        @Option(names = "--mode", description = "script or jupyter (default: as before).")
        String mode;

        @Option(names = { "-c", "--command" }, description = "The entry command (default: as before).")
        String command;

        Continue(Cli cli) {
            super(cli);
        }

        @Override
        int execute() {
            ObjectNode body = Json.MAPPER.createObjectNode();
            if (mode != null) {
                body.put("mode", mode);
            }
            if (command != null) {
                body.put("entryCommand", command);
            }
            JsonNode e = api().post("execution", executionPath(id) + "/continue", body);
            if (json()) {
                cli.json(e);
            } else {
                cli.println("execution " + Json.text(e, "id") + " " + Json.text(e, "state") + " (continues " + id + ")");
            }
            return 0;
        }
    }

    @Command(name = "ps", description = { "Your executions, with state, duration and cost so far.",
            "A queued execution shows its place in its pool's queue (QUEUED #1 is next) and, in STARTS, when it is"
                    + " estimated to start (`hyperai queue` has the pools)." })
    static final class Ps extends Base {

        @Option(names = { "-g", "--gear" })
        String gear;

        @Option(names = "--state", description = "QUEUED, STARTING, RUNNING, SUCCEEDED, FAILED or STOPPED.")
        String state;

        @Option(names = "--size", defaultValue = "50")
        int size;

        Ps(Cli cli) {
            super(cli);
        }

        @Override
        int execute() {
            StringBuilder query = new StringBuilder("/api/v1/executions?size=" + size);
            if (gear != null) {
                query.append("&gearId=").append(Paths.segment(gear));
            }
            if (state != null) {
                query.append("&state=").append(Paths.segment(state));
            }
            JsonNode page = api().get("execution", query.toString());
            Instant now = now();
            // STARTS only when something listed waits for its pool, so that the usual table keeps its columns
            boolean waiting = false;
            for (JsonNode e : items(page)) {
                waiting |= place(e) != null;
            }
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode e : items(page)) {
                Instant started = Format.instant(Json.text(e, "startedAt"));
                Instant ended = Format.instant(Json.text(e, "endedAt"));
                long seconds = started == null ? 0 : Math.max(0, Duration.between(started, ended != null ? ended : now).getSeconds());
                JsonNode place = place(e);
                List<String> row = row(Json.text(e, "id"), Json.text(e, "gearId"), Json.text(e, "mode"),
                        place == null ? Json.text(e, "state") : "QUEUED #" + place.get("position").asInt(),
                        e.hasNonNull("exitCode") ? e.get("exitCode").asText() : null,
                        Format.ago(Format.instant(Json.text(e, "createdAt")), now));
                if (waiting) {
                    row.add(place == null ? null : QueueCommand.estimate(place, now));
                }
                row.addAll(row(started == null ? null : Format.duration(Duration.ofSeconds(seconds)),
                        started == null ? null
                                : Format.money(cost(e.path("pricePerHourMinor").asLong(), seconds), Json.text(e, "currency"))));
                rows.add(row);
            }
            List<String> headers = new ArrayList<>(List.of("ID", "GEAR", "MODE", "STATE", "EXIT", "CREATED"));
            if (waiting) {
                headers.add("STARTS");
            }
            headers.addAll(List.of("DURATION", "COST"));
            return show(page, headers, rows);
        }

        /** A QUEUED execution's place in its pool's queue ({@code queue}: pool, position, estimatedStartAt), or null. */
        static JsonNode place(JsonNode e) {
            JsonNode queue = e.get("queue");
            return "QUEUED".equals(Json.text(e, "state")) && queue != null && queue.path("position").isInt() ? queue
                    : null;
        }

        /** Running time at the hourly price, rounded up to the minor unit (an estimate; `hyperai bill` has the ledger). */
        static long cost(long pricePerHourMinor, long seconds) {
            return (pricePerHourMinor * seconds + 3599) / 3600;
        }
    }
}
