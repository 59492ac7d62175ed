-- The first schema: units, submissions and their entries, the audit log, mailbox state and
-- the acknowledgement ledger. Instants are UTC ISO-8601 text; dates are yyyy-MM-dd text.
-- SQL of the SQLite/PostgreSQL common subset.

CREATE TABLE units (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    section     TEXT,
    sort_order  INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL
);

CREATE TABLE unit_aliases (
    unit_id  INTEGER NOT NULL REFERENCES units (id),
    alias    TEXT NOT NULL UNIQUE
);

-- Addresses are stored lower-cased.
CREATE TABLE unit_senders (
    unit_id  INTEGER NOT NULL REFERENCES units (id),
    address  TEXT NOT NULL UNIQUE
);

-- One row per message seen (or file imported). A message is ingested once: by its place in the
-- mailbox, and by its Message-ID (or the hash of its bytes) among rows that are not duplicates.
CREATE TABLE submissions (
    id             INTEGER PRIMARY KEY,
    mailbox        TEXT NOT NULL,
    uid_validity   INTEGER,
    uid            INTEGER,
    source_key     TEXT,
    message_key    TEXT NOT NULL,
    message_id     TEXT,
    sha256         TEXT NOT NULL,
    size           INTEGER NOT NULL,
    from_address   TEXT,
    subject        TEXT,
    received_at    TEXT NOT NULL,
    status         TEXT NOT NULL,
    reason         TEXT,
    unit           TEXT,
    period         TEXT,
    extracted_text TEXT,
    warnings       TEXT NOT NULL DEFAULT '[]',
    attachments    TEXT NOT NULL DEFAULT '[]',
    duplicate_of   INTEGER REFERENCES submissions (id),
    superseded_by  INTEGER REFERENCES submissions (id),
    in_reply_to    TEXT,
    created_at     TEXT NOT NULL,
    processed_at   TEXT
);

CREATE UNIQUE INDEX ux_submissions_uid ON submissions (mailbox, uid_validity, uid) WHERE uid IS NOT NULL;
CREATE UNIQUE INDEX ux_submissions_source ON submissions (mailbox, source_key) WHERE source_key IS NOT NULL;
CREATE UNIQUE INDEX ux_submissions_message ON submissions (message_key) WHERE status <> 'duplicate';
CREATE INDEX ix_submissions_status ON submissions (status);
CREATE INDEX ix_submissions_period ON submissions (period, unit);

CREATE TABLE entries (
    id              INTEGER PRIMARY KEY,
    submission_id   INTEGER NOT NULL REFERENCES submissions (id),
    seq             INTEGER NOT NULL,
    period          TEXT NOT NULL,
    unit            TEXT,
    section         TEXT,
    date_start      TEXT,
    date_end        TEXT,
    date_precision  TEXT NOT NULL,
    date_text       TEXT,
    text            TEXT NOT NULL,
    confidence      REAL NOT NULL,
    warnings        TEXT NOT NULL DEFAULT '[]',
    inherited       INTEGER NOT NULL DEFAULT 0,
    status          TEXT NOT NULL DEFAULT 'pending',
    headline        INTEGER NOT NULL DEFAULT 0,
    sort_order      INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    UNIQUE (submission_id, seq)
);

CREATE INDEX ix_entries_period ON entries (period, status);

-- Who changed what, when, before and after (JSON).
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  INTEGER,
    before     TEXT,
    after      TEXT
);

CREATE TABLE mailbox_state (
    mailbox          TEXT PRIMARY KEY,
    uid_validity     INTEGER,
    last_poll_at     TEXT,
    last_success_at  TEXT,
    last_error       TEXT
);

-- One acknowledgement per submission, ever; the day column bounds how many a sender gets.
CREATE TABLE acknowledgements (
    submission_id  INTEGER PRIMARY KEY REFERENCES submissions (id),
    recipient      TEXT NOT NULL,
    day            TEXT NOT NULL,
    message_id     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    sent_at        TEXT
);

CREATE INDEX ix_acknowledgements_recipient ON acknowledgements (recipient, day);
