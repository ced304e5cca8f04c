-- 0007: agents' passwords for the submission listener (SMTP AUTH, RFC 4954),
-- kept as self-describing PBKDF2 hashes, never in clear; and, on each raw
-- mail, the identity its client proved with AUTH ('' on the public listener).
CREATE TABLE credentials (
    email      TEXT PRIMARY KEY REFERENCES users (email),
    hash       TEXT NOT NULL,   -- pbkdf2-sha256$<iterations>$<salt>$<key>
    updated_at TEXT NOT NULL
);

ALTER TABLE raw_messages ADD COLUMN auth_user TEXT NOT NULL DEFAULT '';
