-- 0010: hard bounces per address and the suspension they lead to.
-- hard_bounces counts the hard bounces since first_at (the count starts again
-- when first_at is older than bounces.suspend_for); until is the end of the
-- suspension, '' when mail to the address is not suspended.
CREATE TABLE suppressions (
    address      TEXT PRIMARY KEY,           -- lower case
    hard_bounces INTEGER NOT NULL,
    first_at     TEXT    NOT NULL,
    last_at      TEXT    NOT NULL,
    until        TEXT    NOT NULL DEFAULT '',
    reason       TEXT    NOT NULL DEFAULT ''  -- what the last hard bounce said
);
