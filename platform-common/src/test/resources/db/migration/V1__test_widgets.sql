-- A stand-in aggregate for the outbox tests: widgets change state, their events are consumed.
CREATE TABLE widget (
    id    VARCHAR(64) PRIMARY KEY,
    owner VARCHAR(200) NOT NULL,
    name  VARCHAR(200) NOT NULL
);

CREATE TABLE widget_seen (
    widget_id    VARCHAR(64) NOT NULL,
    event_type   VARCHAR(100) NOT NULL,
    applications INT NOT NULL,
    PRIMARY KEY (widget_id, event_type)
);

CREATE TABLE widget_seen_order (
    seq       BIGSERIAL PRIMARY KEY,
    widget_id VARCHAR(64) NOT NULL,
    name      VARCHAR(200) NOT NULL
);
