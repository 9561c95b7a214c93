-- Metering, the append-only charge ledger and top-ups. Money is BIGINT minor units everywhere.

-- A balance crossing zero publishes billing.balance.exhausted once; the flag remembers the crossing
-- until a top-up brings the balance above zero again (billing.balance.restored).
ALTER TABLE billing_account ADD COLUMN exhausted BOOLEAN NOT NULL DEFAULT FALSE;

-- One row per execution, opened by execution.started and closed by its end event (either may come
-- first). price_per_hour_minor IS NULL means the start has not been seen yet: nothing is charged.
-- charged_through is the last interval number charged; accrual continues from it after a restart.
CREATE TABLE metered_run (
    execution_id         VARCHAR(200) PRIMARY KEY,
    owner_id             VARCHAR(200) NOT NULL,
    gear_id              VARCHAR(200),
    compute_spec_id      VARCHAR(64),
    mode                 VARCHAR(32),
    price_per_hour_minor BIGINT       CHECK (price_per_hour_minor >= 0),
    currency             VARCHAR(3),
    interval_seconds     INT          NOT NULL CHECK (interval_seconds >= 10),
    started_at           TIMESTAMPTZ,
    ended_at             TIMESTAMPTZ,
    end_reason           VARCHAR(64),
    charged_through      INT          NOT NULL DEFAULT 0,
    settled_at           TIMESTAMPTZ,
    created_at           TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at           TIMESTAMPTZ  NOT NULL DEFAULT now()
);

-- The accrual scans only runs that can still be charged.
CREATE INDEX metered_run_open ON metered_run (execution_id)
    WHERE settled_at IS NULL AND price_per_hour_minor IS NOT NULL;
CREATE INDEX metered_run_owner_running ON metered_run (owner_id) WHERE ended_at IS NULL;

-- The ledger. Interval k (1, 2, ...) of an execution covers [start + (k-1)L, start + min(kL, T)).
-- Interval 0 is the one correction an execution can get: a refund when intervals were charged while
-- it ran past the end time its (late) end event then reported. Unique per (execution, interval):
-- a replayed event or a second accrual run charges nothing twice.
CREATE TABLE charge (
    id               BIGSERIAL    PRIMARY KEY,
    execution_id     VARCHAR(200) NOT NULL,
    interval_no      INT          NOT NULL CHECK (interval_no >= 0),
    owner_id         VARCHAR(200) NOT NULL,
    gear_id          VARCHAR(200),
    compute_spec_id  VARCHAR(64),
    mode             VARCHAR(32),
    currency         VARCHAR(3)   NOT NULL,
    price_per_hour_minor BIGINT   NOT NULL,
    period_start     TIMESTAMPTZ  NOT NULL,
    period_end       TIMESTAMPTZ  NOT NULL,
    seconds          BIGINT       NOT NULL,
    amount_minor     BIGINT       NOT NULL,
    created_at       TIMESTAMPTZ  NOT NULL DEFAULT now(),
    UNIQUE (execution_id, interval_no)
);
CREATE INDEX charge_owner_period ON charge (owner_id, period_start);

-- Append-only: a charge is never changed or removed; corrections are new entries.
CREATE FUNCTION charge_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the charge ledger is append-only';
END $$;
CREATE TRIGGER charge_append_only BEFORE UPDATE OR DELETE ON charge
    FOR EACH ROW EXECUTE FUNCTION charge_is_append_only();

-- Top-ups, idempotent by reference (the same reference with the same user and amount returns the
-- first result; otherwise it is a conflict).
CREATE TABLE top_up (
    reference           VARCHAR(100) PRIMARY KEY,
    user_id             VARCHAR(200) NOT NULL,
    amount_minor        BIGINT       NOT NULL CHECK (amount_minor > 0),
    currency            VARCHAR(3)   NOT NULL,
    balance_after_minor BIGINT       NOT NULL,
    created_by          VARCHAR(200) NOT NULL,
    created_at          TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX top_up_user ON top_up (user_id, created_at);
