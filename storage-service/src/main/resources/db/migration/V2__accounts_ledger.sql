-- Every user who ever reserved or stored bytes gets a row in storage_quota: it is the row that
-- reservations and ledger changes of that user lock (SELECT ... FOR UPDATE), so a check of the quota
-- and the change it allows are atomic. quota_bytes is NULL while the configured default applies;
-- over_quota remembers which side of the line the user was last seen on, so exceeded/restored events
-- are published once per crossing.
ALTER TABLE storage_quota ALTER COLUMN quota_bytes DROP NOT NULL;
ALTER TABLE storage_quota ADD COLUMN over_quota BOOLEAN NOT NULL DEFAULT FALSE;

-- One row per thing kept for a user (a warehouse version "<itemId>/v<n>", an uploaded code bundle,
-- a saved working directory): deletes subtract exactly what was added, whatever their event says.
-- storage_usage stays the per-kind sum of these rows, changed in the same transaction.
CREATE TABLE storage_object (
    kind       VARCHAR(32)  NOT NULL CHECK (kind IN ('DATASET', 'MODEL', 'CODE', 'WORKING_DIRECTORY')),
    object_id  VARCHAR(300) NOT NULL,
    user_id    VARCHAR(200) NOT NULL,
    bytes      BIGINT       NOT NULL CHECK (bytes >= 0),
    created_at TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, object_id)
);
CREATE INDEX storage_object_user ON storage_object (user_id, kind);

CREATE INDEX storage_reservation_expiry ON storage_reservation (expires_at);
