package io.hyperai.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

import io.hyperai.common.events.Topics;

/**
 * An event whose data no consumer can read (an {@code execution.stopped} without a readable execution id) reaches the
 * platform's broker: gear-service, billing-service and execution-service (its notices) keep it as a dead letter
 * instead of stopping or dropping it, and an admin lists it and tries to redrive it with {@code hyperai admin}; a
 * user may not.
 */
@ExtendWith(E2e.class)
class DeadLettersIT {

    @Test
    void anEventNoConsumerCanReadIsListedAndRedrivenByAnAdminOnly() {
        String id = UUID.randomUUID().toString();
        String record = """
                {"specversion":"1.0","id":"%s","source":"/execution-service","type":"execution.stopped",\
                "subject":"dead-letter-e2e","time":"2026-12-03T00:00:00Z","datacontenttype":"application/json",\
                "data":{"executionId":{"not":"an id"},"ownerId":"nobody"}}""".formatted(id);
        new EventLog(E2e.platform()).publish(Topics.EXECUTION, "dead-letter-e2e", record);

        Cli admin = Cli.fresh();
        assertThat(admin.run("login", "admin", "--password", "admin").exitCode()).isZero();
        // every consumer that reads the type keeps it: gear's, billing's, and execution-service's notices
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> services(admin, id).size() == 3);
        assertThat(services(admin, id)).containsExactlyInAnyOrder("gear", "billing", "execution");
        Cli.Result table = admin.run("admin", "dead-letters", "--service", "billing");
        assertThat(table.exitCode()).isZero();
        assertThat(table.out()).contains("execution.stopped").contains("WAITING");

        JsonNode letter = letters(admin).stream().filter(d -> d.path("service").asText().equals("billing")
                && d.path("eventId").asText().equals(id)).findFirst().orElseThrow();
        assertThat(letter.path("reason").asText()).contains("unreadable data");
        assertThat(letter.path("record").asText()).isEqualTo(record);
        long billingLetter = letter.path("id").asLong();
        Cli.Result again = admin.run("admin", "redrive", "billing", Long.toString(billingLetter));
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("still cannot be applied");
        Cli.Result all = admin.run("admin", "redrive", "gear", "--all");
        assertThat(all.exitCode()).isZero();
        assertThat(all.out()).startsWith("gear-service: 0 applied, ");

        String name = "dl-user-" + UUID.randomUUID().toString().substring(0, 8);
        E2e.credentials().newUser(name);
        Cli user = Cli.fresh();
        assertThat(user.run("login", name, "--password", name).exitCode()).isZero();
        Cli.Result refused = user.run("admin", "dead-letters");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("Forbidden");
    }

    private static List<JsonNode> letters(Cli cli) {
        Cli.Result r = cli.run("admin", "dead-letters", "-o", "json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<JsonNode> all = new ArrayList<>();
        r.json().forEach(all::add);
        return all;
    }

    private static List<String> services(Cli cli, String eventId) {
        return letters(cli).stream().filter(d -> d.path("eventId").asText().equals(eventId))
                .map(d -> d.path("service").asText()).toList();
    }
}
