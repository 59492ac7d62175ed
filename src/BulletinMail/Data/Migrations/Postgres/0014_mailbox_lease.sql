-- The mailbox lease and the workers alive: as Sqlite/0014_mailbox_lease.sql.
CREATE TABLE mailbox_leases (
    mailbox     TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    taken_at    TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ
);

CREATE TABLE workers (
    id            TEXT PRIMARY KEY,
    host          TEXT NOT NULL,
    pid           BIGINT NOT NULL,
    started_at    TIMESTAMPTZ NOT NULL,
    heartbeat_at  TIMESTAMPTZ NOT NULL
);
