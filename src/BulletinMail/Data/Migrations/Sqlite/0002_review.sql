-- The review: editor accounts, edits that a re-parse must not overwrite, and reminders sent.

CREATE TABLE users (
    id               INTEGER PRIMARY KEY,
    name             TEXT NOT NULL UNIQUE,
    role             TEXT NOT NULL,
    password_hash    TEXT NOT NULL,
    failed_logins    INTEGER NOT NULL DEFAULT 0,
    locked_until     TEXT,
    created_at       TEXT NOT NULL,
    last_login_at    TEXT
);

-- Set when an editor changes an entry's date, text, unit or section: a re-parse leaves it alone.
ALTER TABLE entries ADD COLUMN edited_by TEXT;
ALTER TABLE entries ADD COLUMN edited_at TEXT;

-- The order within a unit starts as the order submitted: submission, then clause.
UPDATE entries SET sort_order = submission_id * 1000000 + seq;

CREATE INDEX ix_entries_unit ON entries (unit, period);
CREATE INDEX ix_audit_log_at ON audit_log (at);

-- Reminders to units that have not reported: who was reminded of which period, when, by whom.
CREATE TABLE reminders (
    id          INTEGER PRIMARY KEY,
    unit        TEXT NOT NULL,
    period      TEXT NOT NULL,
    recipients  TEXT NOT NULL,
    message_id  TEXT NOT NULL,
    sent_by     TEXT NOT NULL,
    sent_at     TEXT NOT NULL
);

CREATE INDEX ix_reminders_period ON reminders (period, unit);
