-- When a sent issue was last re-rendered after a correction of its month (issue 12): the public
-- archive shows the corrected bulletin and says so. NULL: the issue is as it was sent.
ALTER TABLE issues ADD COLUMN corrected_at TEXT;
