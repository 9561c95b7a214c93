-- One row per run of a gear; its transitions are kept in execution_transition.
CREATE TABLE execution (
    id           UUID         PRIMARY KEY,
    owner_id     VARCHAR(200) NOT NULL,
    gear_id      VARCHAR(64)  NOT NULL,
    mode         VARCHAR(16)  NOT NULL CHECK (mode IN ('SCRIPT', 'JUPYTER')),
    state        VARCHAR(16)  NOT NULL,
    created_at   TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at   TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX execution_owner ON execution (owner_id, created_at DESC);

CREATE TABLE execution_transition (
    execution_id UUID        NOT NULL REFERENCES execution (id) ON DELETE CASCADE,
    seq          INT         NOT NULL,
    state        VARCHAR(16) NOT NULL,
    at           TIMESTAMPTZ NOT NULL,
    reason       VARCHAR(64),
    PRIMARY KEY (execution_id, seq)
);
