-- A subscriber CSV kept for its preview (the file under data/imports/TOKEN.csv), then applied on an
-- editor's confirmation, in the request or, when big, as a Hangfire job (issue 12 item 3, issue 15
-- item 11). done counts the rows applied, committed with them: a job run again resumes there.
-- state: previewed, confirmed (applying), done.
CREATE TABLE subscriber_imports (
    token              TEXT PRIMARY KEY,
    file_name          TEXT NOT NULL,
    actor              TEXT NOT NULL,
    state              TEXT NOT NULL,
    total              INTEGER NOT NULL,
    invalid            INTEGER NOT NULL,
    done               INTEGER NOT NULL DEFAULT 0,
    added              INTEGER NOT NULL DEFAULT 0,
    reactivated        INTEGER NOT NULL DEFAULT 0,
    renamed            INTEGER NOT NULL DEFAULT 0,
    unchanged          INTEGER NOT NULL DEFAULT 0,
    kept_unsubscribed  INTEGER NOT NULL DEFAULT 0,
    created_at         TEXT NOT NULL,
    finished_at        TEXT
);

CREATE INDEX ix_subscriber_imports_state ON subscriber_imports (state);
