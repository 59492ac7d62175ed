-- The monthly bulletin: issues, editors' sections, subscribers, one delivery row per
-- (issue, subscriber), and the ledger of scheduled runs.

-- One issue per period. state: draft -> approved -> sending -> sent. A sent issue never changes.
CREATE TABLE issues (
    id            INTEGER PRIMARY KEY,
    period        TEXT NOT NULL UNIQUE,
    number        INTEGER NOT NULL UNIQUE,
    state         TEXT NOT NULL,
    subject       TEXT NOT NULL,
    text_body     TEXT NOT NULL,
    html_body     TEXT NOT NULL,
    entry_count   INTEGER NOT NULL,
    compiled_at   TEXT NOT NULL,
    compiled_by   TEXT NOT NULL,
    approved_at   TEXT,
    approved_by   TEXT,
    sending_at    TEXT,
    sent_at       TEXT,
    -- Who is sending it now, and when they last said so: one sender at a time; a silent one is taken over.
    sender        TEXT,
    sender_seen_at TEXT
);

-- Sections editors write (Markdown) that stand before the units' sections, in order.
CREATE TABLE editorials (
    id          INTEGER PRIMARY KEY,
    period      TEXT NOT NULL,
    position    INTEGER NOT NULL,
    heading     TEXT NOT NULL,
    markdown    TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL
);

CREATE INDEX ix_editorials_period ON editorials (period, position);

-- status: pending (double opt-in not confirmed), active, unsubscribed, suspended (hard bounces).
CREATE TABLE subscribers (
    id               INTEGER PRIMARY KEY,
    email            TEXT NOT NULL UNIQUE,
    name             TEXT,
    status           TEXT NOT NULL,
    source           TEXT NOT NULL,
    hard_bounces     INTEGER NOT NULL DEFAULT 0,
    created_at       TEXT NOT NULL,
    confirmed_at     TEXT,
    unsubscribed_at  TEXT
);

CREATE INDEX ix_subscribers_status ON subscribers (status);

-- The only truth about sending. status: pending, sending (in flight), sent, retry (4xx, again
-- after next_attempt_at), failed (5xx, or too many attempts).
CREATE TABLE deliveries (
    issue_id         INTEGER NOT NULL REFERENCES issues (id),
    subscriber_id    INTEGER NOT NULL REFERENCES subscribers (id),
    status           TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT,
    claimed_at       TEXT,
    sent_at          TEXT,
    last_error       TEXT,
    PRIMARY KEY (issue_id, subscriber_id)
);

CREATE INDEX ix_deliveries_status ON deliveries (issue_id, status);

-- A scheduled task (reminders, draft, send) runs once per period, however often it is triggered.
CREATE TABLE schedule_runs (
    task     TEXT NOT NULL,
    period   TEXT NOT NULL,
    ran_at   TEXT NOT NULL,
    outcome  TEXT NOT NULL,
    PRIMARY KEY (task, period)
);

-- Reminders sent by the schedule are also recorded per (unit, period) in reminders; this makes
-- a second scheduled reminder for the same unit and period impossible.
ALTER TABLE reminders ADD COLUMN scheduled INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX ux_reminders_scheduled ON reminders (unit, period) WHERE scheduled = 1;
