package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// RawMessage is one inbound mail as received, byte for byte.
type RawMessage struct {
	ID         int64
	ReceivedAt time.Time
	// MailFrom is the envelope sender; "" is the null return path.
	MailFrom  string
	RcptTo    []string
	MessageID string
	// DedupeKey identifies a delivery of the same message: sender and
	// Message-ID, or the content hash when there is no Message-ID.
	DedupeKey string
	SHA256    string
	Raw       []byte
	// AuthUser is the address the client proved with SMTP AUTH (RFC 4954)
	// on the submission listener; "" for mail from the public listener.
	AuthUser string
}

// Raw state values.
const (
	RawProcessed = "processed"
	RawFailed    = "failed"
)

// StoredRaw is what is known of a mail already stored under a dedupe key.
type StoredRaw struct {
	ID    int64
	State string
	// Ref is the ticket the mail made or joined, "" when it failed.
	Ref string
}

// RawByDedupeKey returns the stored mail with that key; found is false when
// none is stored.
func (t *Tx) RawByDedupeKey(key string) (r StoredRaw, found bool, err error) {
	err = t.tx.QueryRowContext(t.ctx, `SELECT r.id, r.state, coalesce(t.prefix || '-' || t.number, '')
		FROM raw_messages r LEFT JOIN tickets t ON t.id = r.ticket_id WHERE r.dedupe_key = ?`, key).
		Scan(&r.ID, &r.State, &r.Ref)
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	if err != nil {
		return r, false, fmt.Errorf("look up raw message: %w", err)
	}
	return r, true, nil
}

// InsertRaw stores r as processed (the caller's transaction decides its fate)
// and returns its id.
func (t *Tx) InsertRaw(r RawMessage) (int64, error) {
	rcpt, _ := json.Marshal(r.RcptTo)
	res, err := t.tx.ExecContext(t.ctx, `INSERT INTO raw_messages
		(received_at, mail_from, rcpt_to, message_id, dedupe_key, size, sha256, raw, state, auth_user)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		ts(r.ReceivedAt), r.MailFrom, string(rcpt), r.MessageID, r.DedupeKey, len(r.Raw), r.SHA256, r.Raw, RawProcessed,
		r.AuthUser)
	if err != nil {
		return 0, fmt.Errorf("insert raw message: %w", err)
	}
	return res.LastInsertId()
}

// MarkRawProcessed records that raw message id made or changed ticketID.
func (t *Tx) MarkRawProcessed(id, ticketID int64) error {
	var tid any
	if ticketID != 0 {
		tid = ticketID
	}
	_, err := t.tx.ExecContext(t.ctx, `UPDATE raw_messages SET state = ?, error = '', ticket_id = ? WHERE id = ?`,
		RawProcessed, tid, id)
	if err != nil {
		return fmt.Errorf("mark raw message processed: %w", err)
	}
	return nil
}

// RecordFailedRaw keeps r as failed with the reason, so that nothing received
// is lost and it can be processed again. A mail already stored under the same
// key keeps its bytes; a failed one gets the newer reason.
func (t *Tx) RecordFailedRaw(r RawMessage, reason string) error {
	rcpt, _ := json.Marshal(r.RcptTo)
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO raw_messages
		(received_at, mail_from, rcpt_to, message_id, dedupe_key, size, sha256, raw, state, error, auth_user)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (dedupe_key) DO UPDATE SET error = excluded.error WHERE state = 'failed'`,
		ts(r.ReceivedAt), r.MailFrom, string(rcpt), r.MessageID, r.DedupeKey, len(r.Raw), r.SHA256, r.Raw,
		RawFailed, reason, r.AuthUser)
	if err != nil {
		return fmt.Errorf("record failed raw message: %w", err)
	}
	return nil
}

// RawMessages returns the stored inbound mails in state (all when empty),
// oldest first, bytes included.
func (s *Store) RawMessages(ctx context.Context, state string) ([]StoredMail, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT r.id, r.received_at, r.mail_from, r.rcpt_to, r.message_id,
		r.dedupe_key, r.sha256, r.raw, r.state, r.error, coalesce(t.prefix || '-' || t.number, ''), r.auth_user
		FROM raw_messages r LEFT JOIN tickets t ON t.id = r.ticket_id
		WHERE ? = '' OR r.state = ? ORDER BY r.id`, state, state)
	if err != nil {
		return nil, fmt.Errorf("list raw messages: %w", err)
	}
	defer rows.Close()
	var out []StoredMail
	for rows.Next() {
		var m StoredMail
		var received, rcpt string
		if err := rows.Scan(&m.ID, &received, &m.MailFrom, &rcpt, &m.MessageID, &m.DedupeKey, &m.SHA256, &m.Raw,
			&m.State, &m.Error, &m.Ref, &m.AuthUser); err != nil {
			return nil, fmt.Errorf("list raw messages: %w", err)
		}
		if err := json.Unmarshal([]byte(rcpt), &m.RcptTo); err != nil {
			return nil, fmt.Errorf("raw message %d recipients: %w", m.ID, err)
		}
		if m.ReceivedAt, err = parseTS(received); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// StoredMail is a raw message as kept, with what became of it.
type StoredMail struct {
	RawMessage
	State string
	Error string
	// Ref is the ticket it made or joined, "" when it failed.
	Ref string
}
