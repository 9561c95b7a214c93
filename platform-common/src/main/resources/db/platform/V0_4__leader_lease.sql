-- The one lease of a service's singleton work (Leadership): who holds it and until when, by the database's clock.
-- fence grows each time the lease changes hands, so a holder can tell that it was taken over meanwhile.
CREATE TABLE leader_lease (
    name       text PRIMARY KEY,
    holder     text        NOT NULL,
    expires_at timestamptz NOT NULL,
    fence      bigint      NOT NULL
);
