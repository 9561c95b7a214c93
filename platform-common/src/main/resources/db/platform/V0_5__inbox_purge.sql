-- The inbox is purged of ids older than any redelivery (InboxPurge); rows arrive in time order, so a BRIN index
-- finds the old ones for almost nothing per insert.
CREATE INDEX inbox_event_processed_at ON inbox_event USING brin (processed_at);
