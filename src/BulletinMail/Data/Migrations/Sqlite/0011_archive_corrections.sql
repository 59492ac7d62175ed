-- Corrections to a month whose bulletin was sent (issue 12, item 11). The period's entries and
-- editors' sections refuse changes until an editor opens a correction with a note; what changed
-- meanwhile is the audit log's rows after first_audit_id (and up to last_audit_id once closed).
CREATE TABLE archive_corrections (
    id             INTEGER PRIMARY KEY,
    period         TEXT NOT NULL,
    actor          TEXT NOT NULL,
    note           TEXT NOT NULL,
    opened_at      TEXT NOT NULL,
    first_audit_id INTEGER NOT NULL,
    closed_at      TEXT,
    last_audit_id  INTEGER
);
CREATE INDEX archive_corrections_period ON archive_corrections (period, id);
