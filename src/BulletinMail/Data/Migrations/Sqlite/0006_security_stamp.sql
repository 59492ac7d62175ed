-- Issue 15: sessions that can be revoked, and sign-ins slowed down instead of locked out.

-- Every sign-in cookie carries its account's stamp, checked on every request: a new stamp (sign-out,
-- new password, new role, the start of a sign-in delay) ends every session of the account. An empty
-- stamp matches no cookie; the first sign-in sets one.
ALTER TABLE users ADD COLUMN security_stamp TEXT NOT NULL DEFAULT '';

-- Failed sign-ins in a row by account name (existing or not, so that the answer tells nothing) and
-- by client address; past a few, each makes the next attempt wait longer. Replaces the 15-minute
-- lockout: users.failed_logins and users.locked_until are no longer used.
CREATE TABLE sign_in_failures (
    key              TEXT PRIMARY KEY,  -- 'name:wang' or 'ip:192.0.2.7'
    failures         INTEGER NOT NULL,
    last_failure_at  TEXT NOT NULL,
    not_before       TEXT NOT NULL
);
CREATE INDEX sign_in_failures_last ON sign_in_failures (last_failure_at);
