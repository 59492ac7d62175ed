-- ASP.NET Core Data Protection's keys (sign-in cookies, antiforgery tokens), one XML element a
-- row, kept in the database so that every worker on it shares them (issue 14). name is the
-- element's friendly name (key-{id}, revocation-...), as the files of the folder data/keys were
-- named before; Web/DataProtectionKeyTable copies that folder's keys in once.
CREATE TABLE data_protection_keys (
    name     TEXT PRIMARY KEY,
    element  TEXT NOT NULL
);
