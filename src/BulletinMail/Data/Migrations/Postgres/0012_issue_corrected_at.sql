-- When a sent issue was last re-rendered after a correction: as Sqlite/0012_issue_corrected_at.sql.
ALTER TABLE issues ADD COLUMN corrected_at TIMESTAMPTZ;
