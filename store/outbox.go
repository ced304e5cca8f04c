package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Outbox states.
const (
	OutboxPending = "pending"
	OutboxSent    = "sent"
	OutboxFailed  = "failed"
)

// OutboxMail is one mail to send: the delivery row joined with the outbound
// message it carries.
type OutboxMail struct {
	ID       int64
	TicketID int64
	// MessageRow is the messages row holding subject, bodies and Message-ID.
	MessageRow int64
	Kind       string
	// EnvelopeFrom is the base of the mail's return path (bounces@domain):
	// the sender makes the VERP address bounces+<id>.<token>@domain of it.
	EnvelopeFrom  string
	RcptTo        string
	ReplyTo       string
	InReplyTo     string
	References    []string
	AutoSubmitted string
	// Lang is the language the mail is written in ("de"); "" when unknown.
	Lang          string
	State         string
	Attempts      int
	NextAttemptAt time.Time
	LastError     string
	CreatedAt     time.Time
	SentAt        time.Time // zero until sent

	// From the message row.
	Ref       string
	From      string
	Subject   string
	MessageID string
	Text      string
	HTML      string
}

// QueueMail adds a pending delivery of message row o.MessageRow and returns its id.
func (t *Tx) QueueMail(o OutboxMail) (int64, error) {
	res, err := t.tx.ExecContext(t.ctx, `INSERT INTO outbox (ticket_id, message_id, kind, envelope_from, rcpt_to,
		reply_to, in_reply_to, refs, auto_submitted, lang, state, next_attempt_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		o.TicketID, o.MessageRow, o.Kind, o.EnvelopeFrom, o.RcptTo, o.ReplyTo, o.InReplyTo,
		strings.Join(o.References, " "), o.AutoSubmitted, o.Lang, OutboxPending, ts(o.CreatedAt), ts(o.CreatedAt))
	if err != nil {
		return 0, fmt.Errorf("queue mail: %w", err)
	}
	return res.LastInsertId()
}

// MarkSent records a successful delivery of pending row id; ok is false
// when the row was no longer pending.
func (t *Tx) MarkSent(id int64, at time.Time) (ok bool, err error) {
	res, err := t.tx.ExecContext(t.ctx, `UPDATE outbox SET state = ?, attempts = attempts + 1, sent_at = ?,
		last_error = '' WHERE id = ? AND state = ?`, OutboxSent, ts(at), id, OutboxPending)
	if err != nil {
		return false, fmt.Errorf("mark outbox %d sent: %w", id, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// MarkAttemptFailed records a failed attempt: retried at next, or, when
// next is zero, given up as failed.
func (t *Tx) MarkAttemptFailed(id int64, reason string, next time.Time) error {
	state, nextAt := OutboxPending, ts(next)
	if next.IsZero() {
		state, nextAt = OutboxFailed, ""
	}
	_, err := t.tx.ExecContext(t.ctx, `UPDATE outbox SET state = ?, attempts = attempts + 1, last_error = ?,
		next_attempt_at = CASE WHEN ? = '' THEN next_attempt_at ELSE ? END WHERE id = ? AND state = ?`,
		state, reason, nextAt, nextAt, id, OutboxPending)
	if err != nil {
		return fmt.Errorf("mark outbox %d attempt: %w", id, err)
	}
	return nil
}

const outboxQuery = `SELECT o.id, o.ticket_id, o.message_id, o.kind, o.envelope_from, o.rcpt_to, o.reply_to,
	o.in_reply_to, o.refs, o.auto_submitted, o.lang, o.state, o.attempts, o.next_attempt_at, o.last_error, o.created_at,
	coalesce(o.sent_at, ''), t.prefix || '-' || t.number, m.from_addr, m.subject, m.message_id, m.text_body, m.html_body
	FROM outbox o JOIN messages m ON m.id = o.message_id JOIN tickets t ON t.id = o.ticket_id`

func scanOutbox(rows *sql.Rows) ([]OutboxMail, error) {
	defer rows.Close()
	var out []OutboxMail
	for rows.Next() {
		var o OutboxMail
		var refs, next, created, sent string
		if err := rows.Scan(&o.ID, &o.TicketID, &o.MessageRow, &o.Kind, &o.EnvelopeFrom, &o.RcptTo, &o.ReplyTo,
			&o.InReplyTo, &refs, &o.AutoSubmitted, &o.Lang, &o.State, &o.Attempts, &next, &o.LastError, &created, &sent,
			&o.Ref, &o.From, &o.Subject, &o.MessageID, &o.Text, &o.HTML); err != nil {
			return nil, fmt.Errorf("read outbox: %w", err)
		}
		o.References = strings.Fields(refs)
		var err error
		if o.NextAttemptAt, err = parseTS(next); err != nil {
			return nil, err
		}
		if o.CreatedAt, err = parseTS(created); err != nil {
			return nil, err
		}
		if sent != "" {
			if o.SentAt, err = parseTS(sent); err != nil {
				return nil, err
			}
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// Outbox lists deliveries in the given states (all when none), oldest first.
func (s *Store) Outbox(ctx context.Context, states ...string) ([]OutboxMail, error) {
	query, args := outboxQuery, []any{}
	if len(states) > 0 {
		query += ` WHERE o.state IN (` + placeholders(len(states)) + `)`
		for _, st := range states {
			args = append(args, st)
		}
	}
	rows, err := s.r.QueryContext(ctx, query+` ORDER BY o.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list outbox: %w", err)
	}
	return scanOutbox(rows)
}

// DueOutbox returns up to limit pending deliveries due at or before now, oldest first.
func (s *Store) DueOutbox(ctx context.Context, now time.Time, limit int) ([]OutboxMail, error) {
	rows, err := s.r.QueryContext(ctx, outboxQuery+` WHERE o.state = ? AND o.next_attempt_at <= ?
		ORDER BY o.next_attempt_at, o.id LIMIT ?`, OutboxPending, ts(now), limit)
	if err != nil {
		return nil, fmt.Errorf("due outbox: %w", err)
	}
	return scanOutbox(rows)
}

// NextOutboxDue returns when the earliest pending delivery is due; ok is
// false when nothing is pending.
func (s *Store) NextOutboxDue(ctx context.Context) (due time.Time, ok bool, err error) {
	var next string
	err = s.r.QueryRowContext(ctx, `SELECT next_attempt_at FROM outbox WHERE state = ?
		ORDER BY next_attempt_at LIMIT 1`, OutboxPending).Scan(&next)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("next outbox due: %w", err)
	}
	due, err = parseTS(next)
	return due, err == nil, err
}
