-- 0008: an agent's internal note (#note) is a message that is never mailed
-- to the customer.
ALTER TABLE messages ADD COLUMN internal INTEGER NOT NULL DEFAULT 0;
