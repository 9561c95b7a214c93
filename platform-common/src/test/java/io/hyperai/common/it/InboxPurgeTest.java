package io.hyperai.common.it;

import static io.hyperai.common.it.OutboxAndInboxTest.count;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.hyperai.common.inbox.InboxPurge;
import io.hyperai.test.SharedInfrastructure;
import io.quarkus.test.junit.QuarkusTest;

/** The inbox forgets ids older than its retention (35 days by default) and keeps every younger one. */
@QuarkusTest
class InboxPurgeTest {

    @Inject
    InboxPurge purge;

    @Test
    void idsOlderThanTheRetentionAreForgottenAndYoungerOnesKept() throws Exception {
        String tag = UUID.randomUUID().toString();
        try (Connection c = SharedInfrastructure.postgres().connect("outbox_test"); Statement s = c.createStatement()) {
            for (int days : new int[] { 400, 36, 34, 1, 0 }) {
                s.executeUpdate("INSERT INTO inbox_event (consumer, event_id, event_type, processed_at) VALUES ("
                        + "'purge-test', '" + tag + "-" + days + "', 'gear.created', now() - interval '" + days
                        + " days')");
            }
        }

        int purged = purge.purge().await().atMost(Duration.ofSeconds(30));

        assertThat(purged).isGreaterThanOrEqualTo(2);
        assertThat(count("SELECT count(*) FROM inbox_event WHERE event_id LIKE '" + tag + "-%'")).isEqualTo(3);
        assertThat(count("SELECT count(*) FROM inbox_event WHERE event_id IN ('" + tag + "-400', '" + tag
                + "-36')")).isZero();
    }
}
