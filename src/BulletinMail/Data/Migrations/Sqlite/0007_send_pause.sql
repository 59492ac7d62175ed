-- A send the relay refuses as a whole (our sender, our credentials, relaying denied) is paused
-- with the relay's words until an editor or operator resumes it; no subscriber is charged a bounce.
ALTER TABLE issues ADD COLUMN paused_reason TEXT;
ALTER TABLE issues ADD COLUMN paused_at TEXT;
