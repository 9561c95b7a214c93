-- Quotas set by admins (users without a row have the configured default), usage per kind learned
-- from events, and reservations that hold bytes while an upload is in flight.

CREATE TABLE storage_quota (
    user_id     VARCHAR(200) PRIMARY KEY,
    quota_bytes BIGINT       NOT NULL CHECK (quota_bytes >= 0),
    updated_at  TIMESTAMPTZ  NOT NULL DEFAULT now()
);

CREATE TABLE storage_usage (
    user_id    VARCHAR(200) NOT NULL,
    kind       VARCHAR(32)  NOT NULL CHECK (kind IN ('DATASET', 'MODEL', 'CODE', 'WORKING_DIRECTORY')),
    bytes      BIGINT       NOT NULL CHECK (bytes >= 0),
    updated_at TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, kind)
);

CREATE TABLE storage_reservation (
    id         UUID         PRIMARY KEY,
    user_id    VARCHAR(200) NOT NULL,
    bytes      BIGINT       NOT NULL CHECK (bytes > 0),
    created_at TIMESTAMPTZ  NOT NULL DEFAULT now(),
    expires_at TIMESTAMPTZ  NOT NULL
);
CREATE INDEX storage_reservation_user ON storage_reservation (user_id);
