-- 0005: the people the desk knows: customer organisations with their mail
-- domains and manager, and users (customers, agents, managers).
CREATE TABLE orgs (
    name       TEXT PRIMARY KEY,
    manager    TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

CREATE TABLE org_domains (
    domain TEXT PRIMARY KEY,
    org    TEXT NOT NULL REFERENCES orgs (name)
);

CREATE TABLE users (
    email      TEXT PRIMARY KEY,
    name       TEXT NOT NULL DEFAULT '',
    org        TEXT NOT NULL DEFAULT '',
    role       TEXT NOT NULL CHECK (role IN ('customer', 'agent', 'manager')),
    lang       TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
