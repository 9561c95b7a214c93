-- Datasets and models (one table, told apart by kind); their versions come with the upload work.
CREATE TABLE warehouse_item (
    id          UUID         PRIMARY KEY,
    owner_id    VARCHAR(200) NOT NULL,
    kind        VARCHAR(16)  NOT NULL CHECK (kind IN ('DATASET', 'MODEL')),
    name        VARCHAR(200) NOT NULL,
    description VARCHAR(2000),
    created_at  TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX warehouse_item_owner ON warehouse_item (owner_id, kind, created_at DESC);
