package io.hyperai.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** What the platform told the user: warnings and notices, once each; with -f, new ones as they come. */
@Command(name = "notifications", description = "Your notifications (idle and deadline warnings, executions stopped by"
        + " a policy, low or exhausted balance, spending caps, storage), oldest of the last N first; with -f, follow"
        + " new ones until interrupted.")
final class NotificationCommands extends Base {

    private static final String PATH = "/api/v1/notifications";

    @Option(names = { "-f", "--follow" }, description = "Keep printing new notifications as they come.")
    boolean follow;

    @Option(names = { "-n", "--last" }, defaultValue = "20", description = "How many of the latest to show first"
            + " (at most 100; default ${DEFAULT-VALUE}).")
    int last;

    NotificationCommands(Cli cli) {
        super(cli);
    }

    @Override
    int execute() {
        Api api = api();
        JsonNode page = api.get("execution", PATH + "?size=" + Math.max(1, Math.min(100, last)));
        List<JsonNode> latest = new ArrayList<>();
        items(page).forEach(latest::add);
        AtomicLong newest = new AtomicLong();
        if (json() && !follow) {
            cli.json(page);
            return 0;
        }
        for (int i = latest.size() - 1; i >= 0; i--) {
            show(latest.get(i));
        }
        latest.stream().mapToLong(n -> n.path("id").asLong()).max().ifPresent(newest::set);
        if (!follow) {
            if (latest.isEmpty()) {
                cli.note("no notifications");
            }
            return 0;
        }
        for (;;) {
            try {
                api.follow("execution", PATH + "?after=" + newest.get(), data -> {
                    JsonNode n = parse(data);
                    show(n);
                    newest.set(Math.max(newest.get(), n.path("id").asLong()));
                });
            } catch (CliException broken) {
                if (broken.getMessage().startsWith("not authorized")) {
                    throw broken;
                }
            }
            // the stream ends only when it breaks: take it up again after what was printed
            ExecutionCommands.sleep(Duration.ofSeconds(1));
        }
    }

    private void show(JsonNode n) {
        if (json()) {
            cli.print(n.toString());
            return;
        }
        cli.print(text(n, "createdAt") + "  " + text(n, "kind") + "  " + text(n, "message"));
    }

    private static JsonNode parse(String data) {
        try {
            return Json.MAPPER.readTree(data);
        } catch (JsonProcessingException e) {
            throw new CliException("an unreadable notification: " + e.getOriginalMessage());
        }
    }
}
