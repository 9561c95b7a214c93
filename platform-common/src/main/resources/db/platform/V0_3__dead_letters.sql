-- Records a consumer can never apply (not an event, unreadable data), kept in the consumer's own database so that an
-- admin can read them and redrive them once the cause is fixed. One row per consumer and record: a record delivered
-- again counts up `deliveries` instead of adding a row.
CREATE TABLE dead_letter (
    id               BIGSERIAL    PRIMARY KEY,
    consumer         VARCHAR(100) NOT NULL,
    record_hash      CHAR(64)     NOT NULL,
    record           TEXT         NOT NULL,
    event_id         VARCHAR(200),
    event_type       VARCHAR(100),
    reason           TEXT         NOT NULL,
    deliveries       INT          NOT NULL DEFAULT 1,
    first_at         TIMESTAMPTZ  NOT NULL DEFAULT now(),
    last_at          TIMESTAMPTZ  NOT NULL DEFAULT now(),
    redrive_attempts INT          NOT NULL DEFAULT 0,
    redriven_at      TIMESTAMPTZ,
    UNIQUE (consumer, record_hash)
);

CREATE INDEX dead_letter_waiting ON dead_letter (id) WHERE redriven_at IS NULL;
