-- 0006: desk-wide settings the daemon makes itself, such as the secret of
-- the reply tokens when the config gives none.
CREATE TABLE settings (
    name       TEXT PRIMARY KEY,
    value      BLOB NOT NULL,
    created_at TEXT NOT NULL
);
