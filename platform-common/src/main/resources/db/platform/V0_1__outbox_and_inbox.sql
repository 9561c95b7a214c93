-- Shared by every service (Flyway location db/platform): the transactional outbox and the
-- idempotent consumer's record of processed events.

CREATE TABLE outbox_event (
    seq          BIGSERIAL PRIMARY KEY,
    id           UUID         NOT NULL UNIQUE,
    topic        VARCHAR(100) NOT NULL,
    aggregate_id VARCHAR(200) NOT NULL,
    type         VARCHAR(100) NOT NULL,
    payload      TEXT         NOT NULL,
    created_at   TIMESTAMPTZ  NOT NULL DEFAULT now(),
    sent_at      TIMESTAMPTZ,
    attempts     INT          NOT NULL DEFAULT 0,
    last_error   TEXT
);

-- The relay reads only unsent rows in commit order; sent rows leave this index.
CREATE INDEX outbox_event_unsent ON outbox_event (seq) WHERE sent_at IS NULL;
CREATE INDEX outbox_event_sent_at ON outbox_event (sent_at) WHERE sent_at IS NOT NULL;

CREATE TABLE inbox_event (
    consumer     VARCHAR(100) NOT NULL,
    event_id     VARCHAR(200) NOT NULL,
    event_type   VARCHAR(100) NOT NULL,
    processed_at TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);
