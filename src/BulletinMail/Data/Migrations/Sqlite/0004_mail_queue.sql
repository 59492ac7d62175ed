-- Mail the worker sends because of something it stored (acknowledgements, subscription
-- confirmations, reminders, draft notices): queued in the same transaction as that outcome and
-- sent after the commit, retried with backoff, so a relay outage delays this mail and nothing else.
CREATE TABLE mail_queue (
    id               INTEGER PRIMARY KEY,
    message_id       TEXT NOT NULL UNIQUE,
    purpose          TEXT NOT NULL,
    recipients       TEXT NOT NULL,
    content          BLOB NOT NULL,
    created_at       TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    sent_at          TEXT,
    failed_at        TEXT,
    last_error       TEXT
);

CREATE INDEX ix_mail_queue_due ON mail_queue (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;

-- The queue records whether an acknowledgement left; the ledger keeps who was answered when.
ALTER TABLE acknowledgements DROP COLUMN sent_at;

-- How many times processing a submission failed: after a few it is quarantined with the error
-- instead of blocking every later poll.
ALTER TABLE submissions ADD COLUMN process_attempts INTEGER NOT NULL DEFAULT 0;
