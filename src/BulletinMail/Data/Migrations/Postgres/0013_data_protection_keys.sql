-- ASP.NET Core Data Protection's keys: as Sqlite/0013_data_protection_keys.sql.
CREATE TABLE data_protection_keys (
    name     TEXT PRIMARY KEY,
    element  TEXT NOT NULL
);
