-- Immutable numbered versions of a dataset or model and the files each holds. next_version only
-- grows (a deleted version's number is never given again), under a lock on the item's row.
ALTER TABLE warehouse_item ADD COLUMN next_version INT NOT NULL DEFAULT 1;

CREATE TABLE warehouse_version (
    item_id        UUID         NOT NULL REFERENCES warehouse_item (id) ON DELETE CASCADE,
    version        INT          NOT NULL CHECK (version > 0),
    owner_id       VARCHAR(200) NOT NULL,
    total_bytes    BIGINT       NOT NULL CHECK (total_bytes >= 0),
    file_count     INT          NOT NULL CHECK (file_count >= 0),
    -- relative to the storage root, e.g. datasets/<item id>/v3
    storage_path   VARCHAR(300) NOT NULL,
    reservation_id UUID,
    created_at     TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (item_id, version)
);

CREATE TABLE warehouse_file (
    item_id    UUID          NOT NULL,
    version    INT           NOT NULL,
    path       VARCHAR(1024) NOT NULL,
    size_bytes BIGINT        NOT NULL CHECK (size_bytes >= 0),
    sha256     CHAR(64)      NOT NULL,
    PRIMARY KEY (item_id, version, path),
    FOREIGN KEY (item_id, version) REFERENCES warehouse_version (item_id, version) ON DELETE CASCADE
);
