-- What the ledger forgot recently: the usage recount compares the ledger with what the owners said a moment
-- earlier, and must not bring back an object whose delete event was applied in between. Pruned by the recount.
CREATE TABLE storage_object_removed (
    kind       VARCHAR(32)  NOT NULL,
    object_id  VARCHAR(300) NOT NULL,
    user_id    VARCHAR(200) NOT NULL,
    removed_at TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, object_id)
);
CREATE INDEX storage_object_removed_user ON storage_object_removed (user_id, removed_at);
