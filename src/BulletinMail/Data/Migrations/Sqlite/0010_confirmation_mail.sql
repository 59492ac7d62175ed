-- Mail that asks a person to confirm (a subscription, an unsubscribe by mail): at most one per
-- address per day whatever the route, and a global daily cap, so that nobody can use us to bomb
-- an inbox.
CREATE TABLE confirmation_mail (
    email    TEXT NOT NULL,
    day      TEXT NOT NULL,
    kind     TEXT NOT NULL,
    sent_at  TEXT NOT NULL,
    PRIMARY KEY (email, day)
);
