-- Several workers on one database (issue 14). Who polls each mailbox: one worker at a time, by a
-- lease it renews while it polls. expires_at NULL: released (the holder is the one that polled
-- last); a past expires_at with a holder: that worker died mid-poll, and another takes over.
CREATE TABLE mailbox_leases (
    mailbox     TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    taken_at    TEXT NOT NULL,
    expires_at  TEXT
);

-- The workers alive: each beats every few seconds; a row silent for long is deleted.
CREATE TABLE workers (
    id            TEXT PRIMARY KEY,
    host          TEXT NOT NULL,
    pid           INTEGER NOT NULL,
    started_at    TEXT NOT NULL,
    heartbeat_at  TEXT NOT NULL
);
